import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { EgressProxy, upstreamProxyFrom, type Refusal } from './egress-proxy.ts';
import { parseHostRule } from './policy.ts';

/** A raw exchange with the proxy: what comes back until it closes (or `until` matches). */
function exchange(port: number, data: string | Buffer, until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let got = '';
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (until?.test(got)) {
        s.destroy();
        resolve(got);
      }
    });
    s.once('connect', () => s.write(data));
    s.once('close', () => resolve(got));
    s.once('error', reject);
  });
}

describe('egress proxy', () => {
  let target: Server;
  let other: Server;
  let proxy: EgressProxy;
  const refused: Refusal[] = [];
  const seen: string[] = [];
  const port = (s: Server) => (s.address() as { port: number }).port;

  before(async () => {
    // An echo-ish origin: answers each request with what it received.
    const origin = () =>
      createServer((sock) =>
        sock.once('data', (d: Buffer) => {
          seen.push(d.toString('latin1'));
          sock.end(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi`);
        }),
      );
    target = origin();
    other = origin();
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    proxy = new EgressProxy([parseHostRule(`127.0.0.1:${port(target)}`)], (r) => refused.push(r));
    await proxy.listen(0);
  });
  after(async () => {
    await proxy.close();
    target.close();
    other.close();
  });

  it('tunnels CONNECT to a listed host and refuses any other, recording it', async () => {
    const ok = await exchange(proxy.port!, `CONNECT 127.0.0.1:${port(target)} HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n`, /hi$/);
    assert.match(ok, /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK[\s\S]*hi$/);
    const no = await exchange(proxy.port!, `CONNECT 127.0.0.1:${port(other)} HTTP/1.1\r\n\r\n`);
    assert.match(no, /^HTTP\/1\.1 403 /);
    assert.deepEqual(
      refused.map((r) => [r.host, r.port]),
      [['127.0.0.1', port(other)]],
    );
  });

  it('forwards plain HTTP in origin form, without the proxy headers, one request per connection', async () => {
    seen.length = 0;
    const ok = await exchange(
      proxy.port!,
      `GET http://127.0.0.1:${port(target)}/path?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nProxy-Authorization: Basic c2VjcmV0\r\nConnection: keep-alive\r\n\r\n`,
    );
    assert.match(ok, /^HTTP\/1\.1 200 OK/);
    assert.match(seen[0]!, /^GET \/path\?q=1 HTTP\/1\.1\r\n/);
    assert.doesNotMatch(seen[0]!, /Proxy-Authorization|keep-alive/i);
    assert.match(seen[0]!, /Connection: close/);
    const no = await exchange(proxy.port!, `GET http://127.0.0.1:${port(other)}/ HTTP/1.1\r\n\r\n`);
    assert.match(no, /^HTTP\/1\.1 403 /);
  });

  it('answers malformed, oversized and TLS-in-absolute-form requests with an error, reaching nobody', async () => {
    seen.length = 0;
    assert.match(await exchange(proxy.port!, 'hello\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.match(await exchange(proxy.port!, `CONNECT 127.0.0.1 HTTP/1.1\r\n\r\n`), /^HTTP\/1\.1 400 /);
    assert.match(await exchange(proxy.port!, `CONNECT 127.0.0.1:99999 HTTP/1.1\r\n\r\n`), /^HTTP\/1\.1 400 /);
    assert.match(await exchange(proxy.port!, `GET https://127.0.0.1:${port(target)}/ HTTP/1.1\r\n\r\n`), /^HTTP\/1\.1 400 /);
    assert.match(await exchange(proxy.port!, `GET http://user:pw@127.0.0.1:${port(target)}/ HTTP/1.1\r\n\r\n`), /^HTTP\/1\.1 400 /);
    assert.match(await exchange(proxy.port!, `GET / HTTP/1.1\r\nX: ${'a'.repeat(20_000)}`), /^HTTP\/1\.1 431 /);
    assert.deepEqual(seen, []);
  });

  it('goes through the proxy the user configured, which has its own say, unless NO_PROXY names the host', async () => {
    // The "corporate" proxy is another real proxy that only lets the target through.
    const corpRefused: Refusal[] = [];
    const corp = new EgressProxy([parseHostRule(`127.0.0.1:${port(target)}`)], (r) => corpRefused.push(r));
    await corp.listen(0);
    const both = [parseHostRule(`127.0.0.1:${port(target)}`), parseHostRule(`127.0.0.1:${port(other)}`)];
    const chained = new EgressProxy(both, () => {}, upstreamProxyFrom(`http://127.0.0.1:${corp.port}`, 'example.org'));
    const direct = new EgressProxy(both, () => {}, upstreamProxyFrom(`http://127.0.0.1:${corp.port}`, 'localhost,.example.org,127.0.0.1'));
    await chained.listen(0);
    await direct.listen(0);
    try {
      assert.match(
        await exchange(chained.port!, `CONNECT 127.0.0.1:${port(target)} HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n`, /hi$/),
        /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK/,
      );
      assert.match(await exchange(chained.port!, `GET http://127.0.0.1:${port(target)}/x HTTP/1.1\r\n\r\n`), /^HTTP\/1\.1 200 OK/);
      // Allowed here, refused by the user's proxy: the tunnel is not opened.
      assert.match(await exchange(chained.port!, `CONNECT 127.0.0.1:${port(other)} HTTP/1.1\r\n\r\n`), /^HTTP\/1\.1 502 [\s\S]*configured proxy refused/);
      assert.match(await exchange(chained.port!, `GET http://127.0.0.1:${port(other)}/ HTTP/1.1\r\n\r\n`), /^HTTP\/1\.1 403 /);
      assert.deepEqual(
        corpRefused.map((r) => r.port),
        [port(other), port(other)],
      );
      assert.match(
        await exchange(direct.port!, `CONNECT 127.0.0.1:${port(other)} HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n`, /hi$/),
        /^HTTP\/1\.1 200 Connection Established/,
      );
      assert.equal(corpRefused.length, 2, 'NO_PROXY did not bypass the configured proxy');
    } finally {
      await chained.close();
      await direct.close();
      await corp.close();
    }
  });

  it('reads the configured proxy: http only, credentials as a Basic header', () => {
    assert.deepEqual(upstreamProxyFrom('http://us%40er:p%3Ass@proxy.corp:3128', ' .corp , localhost'), {
      host: 'proxy.corp',
      port: 3128,
      authorization: `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`,
      bypass: ['.corp', 'localhost'],
    });
    assert.equal(upstreamProxyFrom('https://proxy.corp:443', undefined), undefined);
    assert.equal(upstreamProxyFrom('not a url', undefined), undefined);
    assert.equal(upstreamProxyFrom(undefined, 'x'), undefined);
  });
});
