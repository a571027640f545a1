// Captures the full tools/list of real MCP servers published on npm, for the
// scanner's benign side: each package is installed into a temporary folder
// (install scripts off, so nothing downloads browsers or binaries), started over
// stdio with placeholder credentials, listed with the MCP SDK client, and its
// tools written to test/scanner/benign-servers/<slug>.json. Run by hand, never in
// the suite (it needs the npm registry):
//   node test/scanner/capture-benign.ts [package…]
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ROOT } from '../helpers/daemon.ts';

const run = promisify(execFile);
const OUT = join(ROOT, 'test', 'scanner', 'benign-servers');

export interface Target {
  pkg: string;
  /** Arguments after the binary; {dir} is a scratch folder. */
  args?: string[];
  /** Placeholder credentials that let the server start; never real ones. */
  env?: Record<string, string>;
  bin?: string;
}

const DUMMY = 'placeholder-not-a-real-key';
export const TARGETS: Target[] = [
  { pkg: '@modelcontextprotocol/server-everything', args: ['stdio'] },
  { pkg: '@modelcontextprotocol/server-filesystem', args: ['{dir}'] },
  { pkg: '@modelcontextprotocol/server-memory' },
  { pkg: '@modelcontextprotocol/server-sequential-thinking' },
  { pkg: '@modelcontextprotocol/server-github', env: { GITHUB_PERSONAL_ACCESS_TOKEN: DUMMY } },
  { pkg: '@modelcontextprotocol/server-gitlab', env: { GITLAB_PERSONAL_ACCESS_TOKEN: DUMMY } },
  { pkg: '@modelcontextprotocol/server-slack', env: { SLACK_BOT_TOKEN: DUMMY, SLACK_TEAM_ID: 'T0000' } },
  { pkg: '@modelcontextprotocol/server-brave-search', env: { BRAVE_API_KEY: DUMMY } },
  { pkg: '@modelcontextprotocol/server-google-maps', env: { GOOGLE_MAPS_API_KEY: DUMMY } },
  { pkg: '@modelcontextprotocol/server-postgres', args: ['postgresql://localhost:1/none'] },
  { pkg: '@modelcontextprotocol/server-puppeteer' },
  { pkg: '@modelcontextprotocol/server-redis', args: ['redis://localhost:1'] },
  { pkg: '@modelcontextprotocol/server-everart', env: { EVERART_API_KEY: DUMMY } },
  { pkg: '@modelcontextprotocol/server-aws-kb-retrieval', env: { AWS_ACCESS_KEY_ID: DUMMY, AWS_SECRET_ACCESS_KEY: DUMMY, AWS_REGION: 'us-east-1' } },
  { pkg: '@playwright/mcp' },
  { pkg: '@wonderwhy-er/desktop-commander' },
  { pkg: 'firecrawl-mcp', env: { FIRECRAWL_API_KEY: 'fc-placeholder' } },
  { pkg: '@notionhq/notion-mcp-server' },
  { pkg: '@upstash/context7-mcp' },
  { pkg: 'tavily-mcp', env: { TAVILY_API_KEY: DUMMY } },
  { pkg: 'exa-mcp-server', env: { EXA_API_KEY: DUMMY } },
  { pkg: '@executeautomation/playwright-mcp-server' },
  { pkg: 'mcp-server-kubernetes' },
  { pkg: '@benborla29/mcp-server-mysql' },
  { pkg: '@kimtaeyoon83/mcp-server-youtube-transcript' },
  { pkg: '@browsermcp/mcp' },
  { pkg: '@cyanheads/git-mcp-server' },
  { pkg: '@openbnb/mcp-server-airbnb' },
  { pkg: '@mzxrai/mcp-webresearch' },
  { pkg: '@kazuph/mcp-fetch' },
  { pkg: 'mcp-server-code-runner' },
  { pkg: '@zereight/mcp-gitlab', env: { GITLAB_PERSONAL_ACCESS_TOKEN: DUMMY } },
  { pkg: '@brave/brave-search-mcp-server', env: { BRAVE_API_KEY: DUMMY } },
  { pkg: 'chrome-devtools-mcp' },
  { pkg: '@circleci/mcp-server-circleci', env: { CIRCLECI_TOKEN: DUMMY } },
  { pkg: '@stripe/mcp', args: ['--tools=all', '--api-key=sk_test_placeholder'] },
  { pkg: '@supabase/mcp-server-supabase', args: ['--access-token', DUMMY] },
  { pkg: 'mongodb-mcp-server' },
  { pkg: '@sentry/mcp-server', args: ['--access-token', DUMMY] },
  { pkg: 'figma-developer-mcp', args: ['--figma-api-key', DUMMY, '--stdio'] },
  { pkg: '@hubspot/mcp-server', env: { PRIVATE_APP_ACCESS_TOKEN: DUMMY } },
  { pkg: '@mastra/mcp-docs-server' },
  { pkg: '@shopify/dev-mcp' },
  { pkg: '@agentdeskai/browser-tools-mcp' },
  { pkg: '@line/line-bot-mcp-server', env: { CHANNEL_ACCESS_TOKEN: DUMMY, DESTINATION_USER_ID: 'U0000' } },
  { pkg: '@apify/actors-mcp-server', env: { APIFY_TOKEN: DUMMY } },
  { pkg: '@pinecone-database/mcp' },
  { pkg: '@currents/mcp', env: { CURRENTS_API_KEY: DUMMY } },
  { pkg: '@elastic/mcp-server-elasticsearch', env: { ES_URL: 'http://localhost:1', ES_API_KEY: DUMMY } },
  { pkg: 'mcp-server-sqlite-npx', args: ['{dir}/db.sqlite'] },
  { pkg: '@cyanheads/pubmed-mcp-server' },
  { pkg: '@dynatrace-oss/dynatrace-mcp-server', env: { DT_ENVIRONMENT: 'https://abc12345.apps.dynatrace.com' } },
  { pkg: '@heroku/mcp-server', env: { HEROKU_API_KEY: DUMMY } },
  { pkg: '@netlify/mcp' },
  { pkg: '@postman/postman-mcp-server', env: { POSTMAN_API_KEY: DUMMY } },
  { pkg: '@neondatabase/mcp-server-neon', args: ['start', DUMMY] },
];

export const slug = (pkg: string) => pkg.replace(/^@/, '').replace(/[^a-z0-9.-]+/gi, '_');

/** Installs a target (at `version`, else the latest) and writes its tools/list to `out` (`<slug>.json`, or `<slug>.old.json` for an earlier release). */
export async function capture(target: Target, where: { out?: string; version?: string } = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gh-capture-'));
  const out = where.out ?? OUT;
  try {
    const spec = where.version ? `${target.pkg}@${where.version}` : target.pkg;
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', '--prefix', dir, spec], {
      timeout: 300_000,
      env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' },
    });
    const pkgDir = join(dir, 'node_modules', ...target.pkg.split('/'));
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string; bin?: string | Record<string, string> };
    const bins = typeof manifest.bin === 'string' ? { x: manifest.bin } : (manifest.bin ?? {});
    const binRel = (target.bin && bins[target.bin]) ?? Object.values(bins)[0];
    if (!binRel) throw new Error('package has no bin');
    const scratch = join(dir, 'scratch');
    mkdirSync(scratch);
    const args = (target.args ?? []).map((a) => a.replace('{dir}', scratch));
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: scratch, PUPPETEER_SKIP_DOWNLOAD: '1', ...target.env };
    const client = new Client({ name: 'gatehouse-benign-capture', version: '1.0.0' });
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(pkgDir, binRel), ...args], env, cwd: scratch, stderr: 'ignore' });
    const timer = setTimeout(() => {
      void transport.close();
    }, 60_000);
    try {
      await client.connect(transport);
      const tools: unknown[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {});
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      const server = client.getServerVersion();
      mkdirSync(out, { recursive: true });
      writeFileSync(
        join(out, `${slug(target.pkg)}${where.version ? '.old' : ''}.json`),
        `${JSON.stringify({ package: target.pkg, version: manifest.version, server: server ? { name: server.name, version: server.version } : null, capturedAt: new Date().toISOString().slice(0, 10), tools }, null, 2)}\n`,
      );
      return `${tools.length} tools`;
    } finally {
      clearTimeout(timer);
      await client.close().catch(() => {});
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const wanted = process.argv.slice(2);
  const targets = wanted.length ? TARGETS.filter((t) => wanted.includes(t.pkg)) : TARGETS;
  // Two at a time: installs are network-bound, the machine is small.
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const target = targets[next++]!;
      try {
        console.log(`${target.pkg}: ${await capture(target)}`);
      } catch (err) {
        console.log(`${target.pkg}: FAILED ${(err as Error).message.split('\n')[0]!.slice(0, 200)}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
}
