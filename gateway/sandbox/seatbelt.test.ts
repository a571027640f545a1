import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBundle } from '../../shared/bundle/schema.ts';
import { SandboxUnavailableError, unsandboxedStart } from './launcher.ts';
import { parseHostRule, resolveSandbox } from './policy.ts';
import { seatbeltProfile } from './seatbelt.ts';

const base = {
  runtimeRead: ['/usr', '/opt/homebrew'],
  runtimeWrite: [],
  secrets: [
    { path: '/Users/u/.ssh', dir: true },
    { path: '/Users/u/.netrc', dir: false },
  ],
};

describe('macOS sandbox-exec profile (generated, not run here)', () => {
  it('denies by default and allows exactly the listed folders', () => {
    const sandbox = resolveSandbox({ read: ['${home}'], write: ['${home}/work'], network: 'none' }, { home: '/Users/u' });
    const profile = seatbeltProfile({ ...base, sandbox });
    assert.match(profile, /^\(version 1\)\n\(deny default\)\n/);
    assert.match(profile, /\(allow file-read\* \(subpath "\/usr"\) \(subpath "\/opt\/homebrew"\) \(subpath "\/Users\/u"\)\)/);
    assert.match(profile, /\(allow file-read\* file-write\* \(subpath "\/Users\/u\/work"\)\)/);
    assert.ok(!/network/.test(profile), 'network none allows some network');
  });

  it('denies credential stores after the allows, unless the bundle names them', () => {
    const sandbox = resolveSandbox({ read: ['${home}'], write: [], network: 'none' }, { home: '/Users/u' });
    const profile = seatbeltProfile({ ...base, sandbox });
    const deny = profile.indexOf('(deny file-read* file-write* (subpath "/Users/u/.ssh") (literal "/Users/u/.netrc"))');
    assert.ok(deny > profile.indexOf('(subpath "/Users/u")'), 'the deny must come after the allow (SBPL: the last match wins)');
    const named = seatbeltProfile({ ...base, sandbox: resolveSandbox({ read: ['${home}/.ssh'], write: [], network: 'none' }, { home: '/Users/u' }) });
    assert.ok(!named.includes('(deny file-read* file-write* (subpath "/Users/u/.ssh")'));
  });

  it('lets an allow-list reach only the egress proxy, and unrestricted everything', () => {
    const listed = resolveSandbox({ read: [], write: [], network: { allow: ['api.github.com:443'] } }, {});
    assert.deepEqual(listed.network, { allow: [parseHostRule('api.github.com:443')] });
    const profile = seatbeltProfile({ ...base, sandbox: listed, proxyPort: 50123 });
    assert.match(profile, /\(allow network-outbound \(remote tcp "localhost:50123"\)\)/);
    assert.ok(!profile.includes('(allow network*)'));
    assert.throws(() => seatbeltProfile({ ...base, sandbox: listed }), /egress proxy port/);
    assert.match(seatbeltProfile({ ...base, sandbox: { ...listed, network: 'unrestricted' } }), /\(allow network\*\)/);
  });

  it('quotes hostile paths, and refuses control characters that could end the rule', () => {
    const sandbox = { read: ['/tmp/a") (allow default) ("'], write: [], network: 'none' as const, dropped: [] };
    const profile = seatbeltProfile({ ...base, sandbox });
    assert.ok(profile.includes('(subpath "/tmp/a\\") (allow default) (\\"")'));
    assert.ok(!/^\(allow default\)/m.test(profile));
    assert.throws(() => seatbeltProfile({ ...base, sandbox: { ...sandbox, read: ['/tmp/a\n(allow default)'] } }), /control characters/);
  });
});

describe('a sandbox this machine cannot provide', () => {
  const bundle = (allowUnsandboxed?: boolean) => {
    const r = parseBundle({
      schemaVersion: 1,
      name: 't',
      servers: [],
      settings: { sandbox: { default: { network: 'none' }, ...(allowUnsandboxed === undefined ? {} : { allowUnsandboxed }) } },
    });
    assert.ok(r.ok);
    return r.bundle.settings;
  };
  const missing = { mechanism: 'none' as const, reason: 'bubblewrap is not installed: install it (Debian/Ubuntu: apt install bubblewrap)' };

  it('fails closed by default, not retried, saying what to install', () => {
    assert.throws(
      () => unsandboxedStart(missing, bundle()),
      (err: unknown) => err instanceof SandboxUnavailableError && err.retry === false && /apt install bubblewrap/.test(err.message),
    );
    assert.throws(() => unsandboxedStart(missing, bundle(false)), SandboxUnavailableError);
  });

  it('runs unsandboxed only when the bundle allows it, and says so', () => {
    assert.match(unsandboxedStart(missing, bundle(true)), /^NOT sandboxed \(the bundle allows it\): bubblewrap is not installed/);
  });
});
