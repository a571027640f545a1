import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KeychainUnavailableError } from './backend.ts';
import { EncryptedFileBackend } from './encrypted-file.ts';

const PASS = 'a long test passphrase';

describe('EncryptedFileBackend shared by several holders', () => {
  it('keeps both writes when two holders of the file write in turn (a device token, then a server secret)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-encfile-'));
    // What the daemon did: the org runtime's backend and the vault's, opened before either wrote.
    const org = new EncryptedFileBackend(dir, PASS);
    const vault = new EncryptedFileBackend(dir, PASS);
    await org.set('org/device-token', 'device-token-value');
    await vault.set('github/token', 'ghp_server_secret');
    const reopened = new EncryptedFileBackend(dir, PASS);
    assert.equal(await reopened.get('org/device-token'), 'device-token-value', 'the enrollment write survived the later secret write');
    assert.equal(await reopened.get('github/token'), 'ghp_server_secret');
    // Each holder also reads what the other wrote after it was opened.
    assert.equal(await org.get('github/token'), 'ghp_server_secret');
    assert.equal(await vault.get('org/device-token'), 'device-token-value');
    // A delete through one is a delete for the other, not undone by its next write.
    assert.equal(await org.delete('github/token'), true);
    await vault.set('other/key', 'another-value');
    assert.equal(await reopened.get('github/token'), null);
    assert.equal(await reopened.get('org/device-token'), 'device-token-value');
  });

  it('follows a file that was removed and created again with a new salt by another process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-encfile-'));
    const daemon = new EncryptedFileBackend(dir, PASS);
    await daemon.set('a/one', 'first-value');
    rmSync(join(dir, 'secrets.enc.json'));
    const cli = new EncryptedFileBackend(dir, PASS);
    await cli.set('b/two', 'second-value');
    assert.equal(await daemon.get('b/two'), 'second-value');
    assert.equal(await daemon.get('a/one'), null, 'the removal is seen, not papered over from memory');
    await daemon.set('c/three', 'third-value');
    assert.equal(await cli.get('c/three'), 'third-value');
  });

  it('refuses a wrong passphrase and a damaged file, and reads no inherited names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-encfile-'));
    await new EncryptedFileBackend(dir, PASS).set('a/one', 'first-value');
    assert.throws(() => new EncryptedFileBackend(dir, 'another long passphrase'), KeychainUnavailableError);
    assert.equal(await new EncryptedFileBackend(dir, PASS).get('constructor/x'), null);
    assert.equal(await new EncryptedFileBackend(dir, PASS).get('toString'), null);
    writeFileSync(join(dir, 'secrets.enc.json'), '{"version":1,');
    assert.throws(() => new EncryptedFileBackend(dir, PASS), KeychainUnavailableError);
  });
});
