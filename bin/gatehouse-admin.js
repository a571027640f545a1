#!/usr/bin/env node
// Runs from the TypeScript sources.
import { requireTypeStripping } from './node-check.js';

requireTypeStripping((version) => `gatehouse-admin needs Node 22.18 or later (this is ${version}).`);
await import('../server/cli/admin-main.ts');
