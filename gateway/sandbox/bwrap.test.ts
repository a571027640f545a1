import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bwrapArgs, type BwrapPlan } from './bwrap.ts';
import { resolveSandbox } from './policy.ts';

const plan = (over: Partial<BwrapPlan> = {}): BwrapPlan => ({
  sandbox: resolveSandbox(
    { read: ['${home}/repo'], write: ['${dataDir}/mem'], network: 'none' },
    { home: '/home/u', dataDir: '/home/u/.local/share/gatehouse' },
  ),
  system: ['/usr', '/etc/ssl'],
  symlinks: [['usr/bin', '/bin']],
  runtimeRead: ['/opt/node'],
  runtimeWrite: [],
  secrets: [
    { path: '/home/u/.ssh', dir: true },
    { path: '/home/u/.netrc', dir: false },
  ],
  command: '/opt/node/bin/node',
  args: ['server.js', '--flag'],
  ...over,
});

/** The pairs following each occurrence of a flag: `--ro-bind-try a a` → ['a']. */
const after = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));

describe('bwrapArgs', () => {
  it('isolates every namespace, dies with Gatehouse and starts from an empty root', () => {
    const args = bwrapArgs(plan());
    for (const flag of ['--die-with-parent', '--new-session', '--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-net'])
      assert.ok(args.includes(flag), flag);
    assert.ok(!args.includes('--bind') || !after(args, '--bind').includes('/'), 'the host root is bound');
    assert.ok(!after(args, '--ro-bind-try').includes('/'));
    assert.deepEqual(after(args, '--tmpfs').slice(0, 1), ['/tmp']);
    assert.deepEqual(args.slice(args.indexOf('--chdir'), args.indexOf('--') + 1), ['--chdir', '/', '--']);
    assert.deepEqual(args.slice(args.indexOf('--') + 1), ['/opt/node/bin/node', 'server.js', '--flag']);
  });

  it('binds reads read-only and writes writable, nothing else of the home folder', () => {
    const args = bwrapArgs(plan());
    assert.deepEqual(after(args, '--ro-bind-try'), ['/usr', '/etc/ssl', '/opt/node', '/home/u/repo']);
    assert.deepEqual(after(args, '--bind-try'), ['/home/u/.local/share/gatehouse/mem']);
    assert.ok(!args.some((a) => a === '/home/u' || a.startsWith('/home/u/.ssh')), 'home or ~/.ssh appears though nothing exposes it');
    assert.deepEqual(after(args, '--symlink'), ['usr/bin']);
  });

  it('keeps the network for unrestricted only', () => {
    const open = bwrapArgs(plan({ sandbox: { ...plan().sandbox, network: 'unrestricted' } }));
    assert.ok(!open.includes('--unshare-net'));
    const allow = { ...plan().sandbox, network: { allow: [{ host: 'a.com', wildcard: false, port: 443 }] } };
    const node = { kind: 'node', forwarder: '/gh/forwarder.ts', preload: '/gh/egress-preload.cts', node: '/opt/node/bin/node' } as const;
    const viaNode = bwrapArgs(plan({ sandbox: allow, egress: { socketDir: '/tmp/gh-egress-1', bridge: node } }));
    assert.ok(viaNode.includes('--unshare-net'));
    assert.deepEqual(after(viaNode, '--ro-bind').slice(-3), ['/tmp/gh-egress-1', '/gh/egress-preload.cts', '/gh/forwarder.ts']);
    assert.deepEqual(after(viaNode, '/gh/egress-preload.cts'), ['/run/gatehouse/egress-preload.cjs']);
    assert.deepEqual(viaNode.slice(viaNode.indexOf('--') + 1), [
      '/opt/node/bin/node',
      '--require=/run/gatehouse/egress-preload.cjs',
      '/run/gatehouse/forwarder.mjs',
      '--',
      '/opt/node/bin/node',
      'server.js',
      '--flag',
    ]);
    const viaSocat = bwrapArgs(
      plan({ sandbox: allow, egress: { socketDir: '/tmp/gh-egress-1', bridge: { kind: 'socat', shell: '/bin/sh', socat: '/usr/bin/socat' } } }),
    );
    assert.ok(viaSocat.includes('--unshare-net'));
    assert.ok(!viaSocat.some((a) => a.startsWith('/gh/')), 'our bridge files are bound though socat carries the traffic');
    const tail = viaSocat.slice(viaSocat.indexOf('--') + 1);
    assert.deepEqual([tail[0], tail[1]], ['/bin/sh', '-c']);
    assert.deepEqual(tail.slice(3), [
      'gatehouse-egress',
      '/usr/bin/socat',
      '3128',
      '0C38',
      '/run/gatehouse-egress/proxy.sock',
      '/opt/node/bin/node',
      'server.js',
      '--flag',
    ]);
  });

  it('runs a server on the daemon’s Node as it is, with only the preloaded bridge and the proxy socket bound', () => {
    const allow = { ...plan().sandbox, network: { allow: [{ host: 'a.com', wildcard: false, port: 443 }] } };
    const args = bwrapArgs(
      plan({ sandbox: allow, egress: { socketDir: '/tmp/gh-egress-1', bridge: { kind: 'in-process', preload: '/gh/egress-preload.cts' } } }),
    );
    assert.ok(args.includes('--unshare-net'));
    assert.deepEqual(after(args, '--ro-bind').slice(-2), ['/tmp/gh-egress-1', '/gh/egress-preload.cts']);
    assert.deepEqual(after(args, '/gh/egress-preload.cts'), ['/run/gatehouse/egress-preload.cjs']);
    assert.ok(!args.includes('/run/gatehouse/forwarder.mjs'));
    assert.deepEqual(args.slice(args.indexOf('--') + 1), ['/opt/node/bin/node', 'server.js', '--flag']);
  });

  it('masks credential folders a broader read would expose, then binds what the bundle names inside them', () => {
    const sandbox = resolveSandbox({ read: ['${home}', '${home}/.ssh/known_hosts'], write: [], network: 'none' }, { home: '/home/u' });
    const args = bwrapArgs(plan({ sandbox }));
    const ssh = args.indexOf('/home/u/.ssh');
    assert.equal(args[ssh - 1], '--tmpfs', '~/.ssh is not masked under a readable home');
    const home = args.indexOf('/home/u');
    const known = args.indexOf('/home/u/.ssh/known_hosts');
    assert.ok(home < ssh && ssh < known, 'mounts out of order: the mask must come after home and before what is named inside it');
    const netrc = args.indexOf('/home/u/.netrc');
    assert.deepEqual(args.slice(netrc - 2, netrc + 1), ['--ro-bind', '/dev/null', '/home/u/.netrc']);
  });

  it('does not mask a credential folder the bundle names itself', () => {
    const sandbox = resolveSandbox({ read: ['${home}/.ssh'], write: [], network: 'none' }, { home: '/home/u' });
    const args = bwrapArgs(plan({ sandbox }));
    assert.ok(!after(args, '--tmpfs').includes('/home/u/.ssh'));
    assert.ok(after(args, '--ro-bind-try').includes('/home/u/.ssh'));
  });

  it('keeps a read-only folder read-only inside a writable one, and a write wins over a read of the same folder', () => {
    const sandbox = resolveSandbox({ read: ['/w/docs', '/w'], write: ['/w'], network: 'none' }, {});
    const args = bwrapArgs(plan({ sandbox, secrets: [] }));
    assert.ok(args.indexOf('/w') < args.indexOf('/w/docs'));
    assert.deepEqual(after(args, '--bind-try'), ['/w']);
    assert.ok(after(args, '--ro-bind-try').includes('/w/docs'));
  });
});
