// Running the TypeScript sources directly needs Node 22.18 or later (type stripping).
export function requireTypeStripping(message) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 18)) return;
  process.stderr.write(`${message(process.version)}\n`);
  process.exit(2);
}
