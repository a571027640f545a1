#!/usr/bin/env node
// Gatehouse runs its TypeScript sources directly (Node >= 22.18 strips types natively).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`gatehouse needs Node 22.18 or later (this is ${process.version}); run ./scripts/gatehouse, which brings its own Node 24.\n`);
  process.exit(2);
}
await import('../gateway/cli/main.ts');
