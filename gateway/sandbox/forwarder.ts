// The Node forwarder: the egress bridge (egress-preload.cts, preloaded with --require,
// so the port listens before this file runs) in a process of its own, in front of a
// server that does not run on the daemon's Node, on a host without socat. Only node:
// imports, because it is mounted in the sandbox; plain JavaScript syntax on purpose: it
// is mounted as forwarder.mjs, so Node runs it without type stripping, which costs a
// few hundred milliseconds per start on a busy machine.
//   GATEHOUSE_EGRESS_BRIDGE="<port> <socket>" node --require=<egress-preload.cjs> forwarder.mjs -- <command> [args…]
import { spawn } from 'node:child_process';

const [dashes, command, ...args] = process.argv.slice(2);
if (dashes !== '--' || !command) {
  process.stderr.write('gatehouse forwarder: usage: forwarder.mjs -- <command> [args…]\n');
  process.exit(2);
}

const child = spawn(command, args, { stdio: 'inherit' });
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGHUP', () => child.kill('SIGHUP'));
child.on('error', (err) => {
  process.stderr.write(`gatehouse forwarder: could not start ${command}: ${err.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
