// The egress bridge: inside a network-namespaced sandbox (only a loopback interface),
// it listens on the proxy port and carries each connection to Gatehouse's egress proxy
// through the unix socket bound in. The proxy decides which hosts are reached; this
// file decides nothing, so a server that tampers with it (or dials the socket itself)
// gains nothing. It is the file of ours mounted in the sandbox, preloaded with
// `--require` (NODE_OPTIONS) into a server on the daemon's Node, so the bridge costs a
// module load instead of a process start; the Node forwarder (forwarder.ts) preloads it
// too. Plain CommonJS JavaScript on purpose: mounted as egress-preload.cjs, Node runs it
// without type stripping or the ES module loader. Builtins come through
// process.getBuiltinModule, so there is no import to compile.
//
// `listen(port)` binds and listens before it returns (no host to look up), so the
// port is listening before the server's first statement runs: its first connection is
// always accepted. Without a host it takes every address of the namespace, and a
// sandbox's network namespace has only loopback. A port that cannot be taken stops the
// process before the server's code runs (exit 70). The preload then takes itself out of
// the environment, so the server's own child processes start as they would (they reach
// the same port, which this process serves), and its sockets are unref'd: the bridge
// never keeps a server alive.
//   GATEHOUSE_EGRESS_BRIDGE="<port> <socket>" NODE_OPTIONS=--require=<this file> node server.js
{
  const bridge = process.env.GATEHOUSE_EGRESS_BRIDGE;
  if (bridge !== undefined) {
    delete process.env.GATEHOUSE_EGRESS_BRIDGE;
    const rest = (process.env.NODE_OPTIONS ?? '').split(`--require=${__filename}`).join('').trim();
    if (rest) process.env.NODE_OPTIONS = rest;
    else delete process.env.NODE_OPTIONS;
    const space = bridge.indexOf(' ');
    const port = Number(bridge.slice(0, space));
    const socketPath = bridge.slice(space + 1);
    const { connect, createServer } = process.getBuiltinModule('node:net');
    const server = createServer((client) => {
      const upstream = connect(socketPath);
      client.unref();
      upstream.unref();
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop);
      upstream.on('error', drop);
    });
    let why = 'the port is taken';
    try {
      server.listen({ port, backlog: 511 });
    } catch (err) {
      why = err instanceof Error ? err.message : String(err);
    }
    if (!server.listening) {
      process.stderr.write(`gatehouse: the egress bridge could not listen on port ${port} (${why}); the server is not started\n`);
      process.exit(70);
    }
    server.unref();
  }

  // Node's own proxy support (NODE_USE_ENV_PROXY=1) loads TLS and undici while Node
  // boots, over 100 ms of CPU on a busy machine, whether the server ever makes a request
  // or not. When the launcher asks for it lazily, the same support
  // (http.setGlobalProxyFromEnv) is switched on at the server's first request instead:
  // its first fetch(), or its first http/https request() or get(), whose modules are
  // wrapped as the server resolves them. Child processes get NODE_USE_ENV_PROXY=1 back.
  if (process.env.GATEHOUSE_EGRESS_PROXY === 'lazy') {
    delete process.env.GATEHOUSE_EGRESS_PROXY;
    process.env.NODE_USE_ENV_PROXY = '1';
    const { registerHooks } = process.getBuiltinModule('node:module');
    const wrapped = new Set();
    let on = false;
    const hooks = registerHooks({
      resolve(specifier, context, nextResolve) {
        const resolved = nextResolve(specifier, context);
        if (!on && !wrapped.has(resolved.url) && (resolved.url === 'node:http' || resolved.url === 'node:https')) {
          wrapped.add(resolved.url);
          const mod = resolved.url === 'node:http' ? process.getBuiltinModule('node:http') : process.getBuiltinModule('node:https');
          // Before the server's own import sees the module, so its named imports get these too.
          Object.assign(mod, { request: atFirstCall(mod.request), get: atFirstCall(mod.get) });
        }
        return resolved;
      },
    });
    const enable = () => {
      if (on) return;
      on = true;
      hooks.deregister();
      process.getBuiltinModule('node:http').setGlobalProxyFromEnv();
    };
    /** The same function (name, length, this), switching the proxy support on first. */
    const atFirstCall = (original = Function.prototype) =>
      new Proxy(original, {
        apply(target, self, args) {
          enable();
          return Reflect.apply(target, self, args);
        },
      });
    Object.assign(globalThis, { fetch: atFirstCall(globalThis.fetch) });
  }
}
