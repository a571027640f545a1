import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAllowedHost, isAllowedOrigin, isLoopbackAddress } from './loopback-guard.ts';

describe('loopback guard', () => {
  it('allows only our loopback names on our port', () => {
    for (const h of ['127.0.0.1:7465', 'localhost:7465', 'LOCALHOST:7465', '[::1]:7465']) assert.ok(isAllowedHost(h, 7465), h);
    for (const h of ['evil.example.com', 'evil.example.com:7465', '127.0.0.1:80', 'localhost', '127.0.0.2:7465', 'localhost.evil.com:7465', undefined]) {
      assert.ok(!isAllowedHost(h, 7465), String(h));
    }
  });

  it('allows no Origin, our own origin, and listed extras only', () => {
    assert.ok(isAllowedOrigin(undefined, 7465));
    assert.ok(isAllowedOrigin('http://127.0.0.1:7465', 7465));
    assert.ok(!isAllowedOrigin('http://127.0.0.1:3000', 7465));
    assert.ok(!isAllowedOrigin('null', 7465));
    assert.ok(!isAllowedOrigin('https://localhost:7465', 7465));
    assert.ok(isAllowedOrigin('http://localhost:5173', 7465, ['http://localhost:5173']));
  });

  it('recognises loopback peers', () => {
    assert.ok(isLoopbackAddress('127.0.0.1'));
    assert.ok(isLoopbackAddress('::1'));
    assert.ok(isLoopbackAddress('::ffff:127.0.0.1'));
    assert.ok(!isLoopbackAddress('10.0.0.5'));
    assert.ok(!isLoopbackAddress(undefined));
  });
});
