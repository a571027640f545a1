// Red team, 2026-12-02: a server lists two tools under one name, a plain one and one nested
// too deep for JSON.stringify. The plain one is trusted on first use, so the name is
// approved; asking whether the deep one is approved hashed it, and the hashing threw inside
// every build of the catalogue: no agent could list or call any tool of any server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startDaemon, stdioServer, waitFor, writeBundle } from '../helpers/daemon.ts';
import { INIT, rawSocketClient } from '../helpers/raw.ts';

type Answer = { result?: { tools?: { name: string }[]; content?: { text?: string }[] }; error?: { message: string } };

describe('attack: a plain tool and an unencodable twin under one name', () => {
  it('costs the twin alone: the other tools are listed and called, and the daemon stays up', async () => {
    const d = await startDaemon({
      bundle: writeBundle({
        schemaVersion: 1,
        name: 'red-twin',
        servers: [stdioServer('ok', 'fixture-server.ts'), stdioServer('twin', 'deep-twin-server.ts')],
      }),
    });
    try {
      const raw = await rawSocketClient(d.socket, 'twin-agent');
      await raw.request({ id: 0, ...INIT });
      raw.line('{"jsonrpc":"2.0","method":"notifications/initialized"}');
      let n = 1;
      const names = await waitFor(
        async () => {
          const listed = (await raw.request({ id: n++, method: 'tools/list' })) as Answer;
          const got = (listed.result?.tools ?? []).map((t) => t.name);
          return got.includes('twin__echo') && got.includes('ok__echo') ? got : undefined;
        },
        30_000,
        "both servers' plain tools to be listed",
      );
      assert.ok(names.filter((x) => x === 'twin__twin').length <= 1, 'the name is listed once at most');
      const called = (await raw.request({ id: n++, method: 'tools/call', params: { name: 'ok__echo', arguments: { message: 'hi' } } })) as Answer;
      assert.ok(called.result, `another server's call is served: ${JSON.stringify(called.error)}`);
      assert.equal(d.proc.exitCode, null, 'the daemon is still running');
      raw.close();
    } finally {
      if (d.proc.exitCode === null) await d.stop('SIGKILL');
    }
  });
});
