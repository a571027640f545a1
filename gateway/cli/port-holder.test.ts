import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { portHolder } from './port-holder.ts';

describe('portHolder', { skip: process.platform !== 'linux' && 'reads /proc (Linux only)' }, () => {
  it('names the process listening on a port, and nobody for a free one', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const holder = portHolder(port);
      assert.equal(holder?.pid, process.pid);
      assert.match(holder!.command, /node/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    assert.equal(portHolder(port), undefined);
  });
});
