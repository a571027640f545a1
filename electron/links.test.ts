import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeepLinkQueue, enrollQuestion, linkFromArgv, parseDeepLink, routeFor } from './links.ts';

test('an enrollment link fills in the form with the https endpoint and the code', () => {
  const link = parseDeepLink('gatehouse://enroll?url=https%3A%2F%2Fsync.example.com%2Forg&token=abc_DEF-1');
  assert.deepEqual(link, { kind: 'enroll', url: 'https://sync.example.com/org', host: 'sync.example.com', code: 'abc_DEF-1' });
  const fields = new URLSearchParams(decodeURIComponent(routeFor(link).replace('#/settings/', '')));
  assert.equal(fields.get('url'), 'https://sync.example.com/org');
  assert.equal(fields.get('code'), 'abc_DEF-1');
  assert.match(enrollQuestion(link as Extract<typeof link, { kind: 'enroll' }>).message, /sync\.example\.com/);
});

test('enrollment links naming anything but a plain https endpoint are refused', () => {
  for (const target of ['http://sync.example.com', 'javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@sync.example.com', 'not a url', '']) {
    const link = parseDeepLink(`gatehouse://enroll?url=${encodeURIComponent(target)}&token=x`);
    assert.equal(link.kind, 'invalid', target);
  }
  assert.equal(parseDeepLink('gatehouse://enroll?url=https%3A%2F%2Fok.example&token=%3Cscript%3E').kind, 'invalid');
});

test('a look-alike host is shown as punycode, which is what it is', () => {
  const link = parseDeepLink(`gatehouse://enroll?url=${encodeURIComponent('https://gatehоuse.example')}`);
  assert.equal(link.kind, 'enroll');
  assert.match((link as { host: string }).host, /^xn--/);
});

test('malformed and hostile links never throw and open nothing', () => {
  for (const raw of [
    'gatehouse://',
    'gatehouse://%',
    'gatehouse://[::1',
    'http://evil.example',
    'gatehouse://settings/../../x',
    'gatehouse://pending/../../etc',
    'gatehouse://pending/zz',
    `gatehouse://enroll?url=${'a'.repeat(5000)}`,
    42,
    null,
    undefined,
  ]) {
    const link = parseDeepLink(raw);
    if (link.kind === 'open') assert.match(link.route, /^#\/(overview|pending)$/, String(raw));
    else assert.equal(link.kind, 'invalid', String(raw));
  }
  assert.equal(routeFor(parseDeepLink('gatehouse://nonsense')), '#/overview');
});

test('pending links route to the change', () => {
  assert.equal(routeFor(parseDeepLink('gatehouse://pending/0123456789ab')), '#/pending/0123456789ab');
  assert.equal(routeFor(parseDeepLink('gatehouse:pending')), '#/pending');
});

test('the link is picked out of a command line, not a switch that mentions it', () => {
  assert.equal(linkFromArgv(['/opt/Gatehouse/gatehouse', '--foo=gatehouse://x', 'GATEHOUSE://enroll?url=x']), 'GATEHOUSE://enroll?url=x');
  assert.equal(linkFromArgv(['/opt/Gatehouse/gatehouse']), undefined);
});

test('links that arrive before the app is ready are held, deduplicated and bounded, then delivered in order', () => {
  const q = new DeepLinkQueue(3);
  for (const l of ['a', 'b', 'a', 'c', 'd']) q.push(l);
  const got: string[] = [];
  q.ready((l) => got.push(l));
  assert.deepEqual(got, ['b', 'a', 'c', 'd'].slice(-3));
  q.push('e');
  assert.deepEqual(got.at(-1), 'e');
  q.pause();
  q.push('f');
  assert.equal(got.length, 4);
  q.ready((l) => got.push(l));
  assert.deepEqual(got.at(-1), 'f');
});
