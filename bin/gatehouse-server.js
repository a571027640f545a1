#!/usr/bin/env node
// Runs from the TypeScript sources.
import { requireTypeStripping } from './node-check.js';

requireTypeStripping((version) => `gatehouse-server needs Node 22.18 or later (this is ${version}).`);
await import('../server/cli/server-main.ts');
