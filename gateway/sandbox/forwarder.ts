// Runs inside a network-namespaced sandbox, in front of the server: the sandbox has
// only a loopback interface, so this listens there and carries each connection to
// Gatehouse's egress proxy through the unix socket bound in. The proxy decides
// which hosts are reached; this file decides nothing. Only node: imports, because it
// is the one file of ours mounted in the sandbox. Plain JavaScript syntax on purpose:
// it is mounted as forwarder.mjs, so Node runs it without type stripping, which costs
// a few hundred milliseconds per start on a busy machine.
//   node forwarder.mjs <port> <socket> -- <command> [args…]
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

const [port, socketPath, dashes, command, ...args] = process.argv.slice(2);
if (!port || !socketPath || dashes !== '--' || !command) {
  process.stderr.write('gatehouse forwarder: usage: forwarder.mjs <port> <socket> -- <command> [args…]\n');
  process.exit(2);
}

const server = createServer((client) => {
  const upstream = connect(socketPath);
  client.pipe(upstream).pipe(client);
  const drop = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', drop);
  upstream.on('error', drop);
});

server.listen(Number(port), '127.0.0.1', () => {
  const child = spawn(command, args, { stdio: 'inherit' });
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  process.on('SIGINT', () => child.kill('SIGINT'));
  process.on('SIGHUP', () => child.kill('SIGHUP'));
  child.on('error', (err) => {
    process.stderr.write(`gatehouse forwarder: could not start ${command}: ${err.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
});
server.on('error', (err) => {
  process.stderr.write(`gatehouse forwarder: ${err.message}\n`);
  process.exit(1);
});
