import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BundleSchema } from '../../shared/bundle/schema.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannel, stdioLaunchFor } from './launch.ts';
import { RotatingLog } from './stderr-log.ts';

const bundle = (servers: unknown[]) => BundleSchema.parse({ schemaVersion: 1, name: 't', version: 1, servers });
const HOST_ENV = {
  PATH: '/usr/bin',
  HOME: '/home/u',
  SECRET_TOKEN: 'do-not-pass',
  NODE_EXTRA_CA_CERTS: '/etc/corp-ca.pem',
  HTTPS_PROXY: 'http://proxy:3128',
  no_proxy: 'localhost',
  npm_config_registry: 'https://npm.corp.example/',
  NPM_CONFIG_CAFILE: '/etc/corp-ca.pem',
};

describe('stdio launch environment', () => {
  it('passes the proxy and CA to every stdio server, and npm config only to npm servers', () => {
    const b = bundle([
      { id: 'plain', transport: { type: 'stdio', command: 'srv' } },
      { id: 'fromnpm', transport: { type: 'npm', package: 'not-installed-anywhere-xyz', version: '1.0.0' } },
    ]);
    const ctx = { settings: b.settings, vars: {}, env: HOST_ENV };
    const plain = stdioLaunchFor(b.servers[0]!, ctx).env;
    assert.equal(plain.NODE_EXTRA_CA_CERTS, '/etc/corp-ca.pem');
    assert.equal(plain.HTTPS_PROXY, 'http://proxy:3128');
    assert.equal(plain.no_proxy, 'localhost');
    assert.equal(plain.npm_config_registry, undefined);
    assert.equal(plain.SECRET_TOKEN, undefined, 'the rest of the environment stays home');

    const npm = stdioLaunchFor(b.servers[1]!, ctx);
    assert.deepEqual(npm.args.slice(0, 2), ['-y', 'not-installed-anywhere-xyz@1.0.0']);
    assert.equal(npm.env.npm_config_registry, 'https://npm.corp.example/');
    assert.equal(npm.env.NPM_CONFIG_CAFILE, '/etc/corp-ca.pem');
    assert.equal(npm.env.npm_config_fetch_retries, '1', 'npm gives up before the start timeout, so its own error shows');
    assert.equal(npm.env.SECRET_TOKEN, undefined);
  });

  it("keeps the user's own npm retry settings", () => {
    const b = bundle([{ id: 'fromnpm', transport: { type: 'npm', package: 'not-installed-anywhere-xyz' } }]);
    const env = stdioLaunchFor(b.servers[0]!, { settings: b.settings, vars: {}, env: { NPM_CONFIG_FETCH_RETRIES: '5' } }).env;
    assert.equal(env.NPM_CONFIG_FETCH_RETRIES, '5');
    assert.equal(env.npm_config_fetch_retries, undefined);
  });

  it("says in the server's log that npx is installing the package, before npx says anything", async () => {
    const b = bundle([
      { id: 'fromnpm', transport: { type: 'npm', package: 'not-installed-anywhere-xyz', version: '2.0.0' } },
      { id: 'plain', transport: { type: 'stdio', command: 'srv' } },
    ]);
    const log = new RotatingLog(join(mkdtempSync(join(tmpdir(), 'gh-launch-')), 'stderr.log'));
    try {
      createChannel(b.servers[0]!, { settings: b.settings, vars: {}, env: {}, log });
      assert.match(log.tail.at(-1) ?? '', /installing not-installed-anywhere-xyz@2\.0\.0 with npx/);
      createChannel(b.servers[1]!, { settings: b.settings, vars: {}, env: {}, log });
      assert.equal(log.tail.length, 1, 'a plain stdio server starts without the note');
    } finally {
      await log.close();
    }
  });
});
