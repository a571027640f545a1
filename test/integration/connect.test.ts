// `gatehouse connect` against config files of each IDE: fresh, existing with other
// servers, malformed (refused, untouched), idempotent, dry run, and undo.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CLIENTS } from '../../gateway/connect/clients.ts';
import { CLI, tempDir } from '../helpers/daemon.ts';

const run = promisify(execFile);
const connect = (args: string[]) =>
  run(process.execPath, [CLI, 'connect', ...args]).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
const KEY: Record<string, string> = { vscode: 'servers' };

describe('gatehouse connect', () => {
  for (const client of CLIENTS) {
    const key = KEY[client] ?? 'mcpServers';
    it(`${client}: writes a fresh file, keeps other servers, is idempotent, and undoes`, async () => {
      const dir = tempDir();
      const fresh = join(dir, 'fresh', 'config.json');
      const r = await connect([client, '--config', fresh]);
      assert.equal(r.code, 0, r.stderr);
      const written = JSON.parse(readFileSync(fresh, 'utf8'));
      const entry = written[key].gatehouse;
      assert.equal(entry.command, process.execPath);
      assert.deepEqual(entry.args.slice(-3), ['stdio', '--agent', client]);
      assert.equal(entry.type, client === 'vscode' || client === 'claude-code' ? 'stdio' : undefined);
      assert.match(r.stdout, new RegExp(`"${key}"`), 'shows what it wrote');

      const existing = join(dir, 'existing.json');
      const github = { command: 'npx', args: ['-y', 'some-server'] };
      const other: Record<string, unknown> = { [key]: { github }, theme: 'dark' };
      writeFileSync(existing, JSON.stringify(other, null, 2));
      assert.equal((await connect([client, '--config', existing])).code, 0);
      const merged = JSON.parse(readFileSync(existing, 'utf8'));
      assert.deepEqual(merged[key].github, github);
      assert.equal(merged.theme, 'dark');
      assert.ok(merged[key].gatehouse);
      const backups = readdirSync(dir).filter((f) => f.startsWith('existing.json.gatehouse-backup-'));
      assert.equal(backups.length, 1);
      assert.deepEqual(JSON.parse(readFileSync(join(dir, backups[0]!), 'utf8')), other, 'the backup is the file as it was');

      const again = await connect([client, '--config', existing]);
      assert.match(again.stdout, /already connected; nothing changed/);
      assert.equal(readdirSync(dir).filter((f) => f.includes('gatehouse-backup')).length, 1, 'no backup when nothing changes');

      const undo = await connect([client, '--config', existing, '--undo']);
      assert.equal(undo.code, 0, undo.stderr);
      assert.deepEqual(JSON.parse(readFileSync(existing, 'utf8')), other, 'undo gives back the file as it was');
    });
  }

  it('refuses malformed JSON, touches nothing, and shows the entry to add by hand', async () => {
    const dir = tempDir();
    const path = join(dir, 'broken.json');
    const broken = '{ "mcpServers": { "a": { "command": "x", } ';
    writeFileSync(path, broken);
    const r = await connect(['cursor', '--config', path]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /could not be read as JSON \(.* at line 1\); it was left untouched/);
    assert.match(r.stderr, /"gatehouse"/);
    assert.equal(readFileSync(path, 'utf8'), broken);
    assert.deepEqual(readdirSync(dir), ['broken.json']);
    writeFileSync(path, '{"mcpServers": []}');
    assert.match((await connect(['cursor', '--config', path])).stderr, /"mcpServers" .* is not an object/);
  });

  it('--dry-run prints the file it would write and writes nothing', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'x'));
    const path = join(dir, 'x', 'mcp.json');
    const r = await connect(['vscode', '--config', path, '--dry-run']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /would write:\n\{\n {2}"servers": \{/);
    assert.ok(!existsSync(path));
  });

  it('undo puts back an entry that was named gatehouse before', async () => {
    const dir = tempDir();
    const path = join(dir, 'c.json');
    const before = { mcpServers: { gatehouse: { command: 'old-gatehouse' } } };
    writeFileSync(path, JSON.stringify(before));
    await connect(['windsurf', '--config', path]);
    assert.notEqual(JSON.parse(readFileSync(path, 'utf8')).mcpServers.gatehouse.command, 'old-gatehouse');
    await connect(['windsurf', '--config', path, '--undo']);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), before);
  });

  it('vscode: edits a JSONC mcp.json in place (comments, order, tabs kept) and --undo gives back the original bytes', async () => {
    const dir = tempDir();
    const path = join(dir, 'mcp.json');
    const original = [
      '// My MCP servers',
      '{',
      '\t"inputs": [],',
      '\t"servers": {',
      '\t\t/* the GitHub one */',
      '\t\t"github": { "command": "npx", "args": ["-y", "gh"] }, // keep me',
      '\t},',
      '}',
      '',
    ].join('\r\n');
    writeFileSync(path, original);
    const r = await connect(['vscode', '--config', path]);
    assert.equal(r.code, 0, r.stderr);
    const written = readFileSync(path, 'utf8');
    assert.ok(
      written.startsWith(
        '// My MCP servers\r\n{\r\n\t"inputs": [],\r\n\t"servers": {\r\n\t\t/* the GitHub one */\r\n\t\t"github": { "command": "npx", "args": ["-y", "gh"] }, // keep me',
      ),
      written,
    );
    assert.match(written, /\r\n\t\t"gatehouse": \{\r\n\t\t\t"type": "stdio",/, 'the entry is indented like its neighbours');
    assert.equal(written.replace(/\r\n/g, '').includes('\n'), false, 'line ends stay CRLF');
    assert.equal((await connect(['vscode', '--config', path])).stdout.includes('already connected'), true);
    const undo = await connect(['vscode', '--config', path, '--undo']);
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal(readFileSync(path, 'utf8'), original, 'byte for byte');
  });

  it('undo keeps what the user changed since, and removes a file Gatehouse created', async () => {
    const dir = tempDir();
    const path = join(dir, 'mcp.json');
    writeFileSync(path, '{\n  // servers\n  "servers": {}\n}\n');
    await connect(['vscode', '--config', path]);
    writeFileSync(path, readFileSync(path, 'utf8').replace('// servers', '// servers, edited'));
    await connect(['vscode', '--config', path, '--undo']);
    const after = readFileSync(path, 'utf8');
    assert.match(after, /\/\/ servers, edited/);
    assert.doesNotMatch(after, /gatehouse/);

    const created = join(dir, 'new', 'mcp.json');
    await connect(['vscode', '--config', created]);
    assert.ok(existsSync(created));
    const r = await connect(['vscode', '--config', created, '--undo']);
    assert.match(r.stdout, /removed the file Gatehouse had created/);
    assert.ok(!existsSync(created));
  });

  it('an empty XDG_CONFIG_HOME counts as unset, and the entry carries GATEHOUSE_DATA_DIR and GATEHOUSE_PORT', async () => {
    const home = tempDir();
    const r = await run(process.execPath, [CLI, 'connect', 'vscode'], {
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: '', GATEHOUSE_DATA_DIR: join(home, 'gh-data'), GATEHOUSE_PORT: '7999' },
    });
    const path = join(home, '.config', 'Code', 'User', 'mcp.json');
    assert.match(r.stdout, new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const entry = JSON.parse(readFileSync(path, 'utf8')).servers.gatehouse;
    assert.deepEqual(entry.env, { GATEHOUSE_DATA_DIR: join(home, 'gh-data'), GATEHOUSE_PORT: '7999' });
    assert.ok(!existsSync(join(process.cwd(), 'Code')), 'nothing written relative to the working directory');
  });
});
