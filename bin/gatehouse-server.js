#!/usr/bin/env node
// Runs from the TypeScript sources (Node >= 22.18 strips types natively).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`gatehouse-server needs Node 22.18 or later (this is ${process.version}).\n`);
  process.exit(2);
}
await import('../server/cli/server-main.ts');
