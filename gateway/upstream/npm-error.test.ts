import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withNpmError } from './npm-error.ts';

describe("a failed npx server's error", () => {
  it("carries npm's own error beside the timeout", () => {
    const tail = [
      'npm warn exec The following package was not found and will be installed',
      'npm error code E404',
      'npm error 404 Not Found - GET https://registry.npmjs.org/@acme%2fnope - Not found',
    ];
    assert.equal(
      withNpmError('did not answer initialize within 60000 ms', tail),
      'did not answer initialize within 60000 ms (npm: 404 Not Found - GET https://registry.npmjs.org/@acme%2fnope - Not found)',
    );
    assert.equal(withNpmError('exited with code 1', ['npm ERR! code SELF_SIGNED_CERT_IN_CHAIN']), 'exited with code 1 (npm: code SELF_SIGNED_CERT_IN_CHAIN)');
  });
  it('leaves other failures as they are', () => {
    assert.equal(withNpmError('exited with code 3', ['Error: boom', 'at main (index.js:1:1)']), 'exited with code 3');
    assert.equal(withNpmError('x', []), 'x');
  });
});
