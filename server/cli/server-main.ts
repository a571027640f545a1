import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { keyFingerprint } from '../../shared/bundle/envelope.ts';
import { OrgFileSchema } from '../admin/workspace.ts';
import { SyncApp } from '../http/app.ts';
import { openStore } from '../store/open.ts';

const USAGE = `gatehouse-server: the org's sync endpoint (signed bundles, enrollment, audit batches)

  gatehouse-server init --org-file ORG.json [--database DB]
  gatehouse-server [serve] [--database DB] [--port N] [--host ADDR]

DB is a SQLite file (default ./gatehouse-sync.db, or $GATEHOUSE_SERVER_DATABASE) or a postgres://… URL.
The org file is the one \`gatehouse-admin init\` wrote (public keys only).
`;

async function main(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      database: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'org-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const database = v.database ?? process.env.GATEHOUSE_SERVER_DATABASE ?? './gatehouse-sync.db';
  const cmd = positionals[0] ?? 'serve';
  const store = await openStore(database);
  if (cmd === 'init') {
    const file = v['org-file'];
    if (!file) throw new Error('--org-file is required');
    const org = OrgFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    await store.initOrg({ id: org.org, name: org.name, keys: org.keys, oidc: org.oidc });
    await store.close();
    process.stdout.write(
      `serving org "${org.org}" from ${store.kind}; trusted keys: ${org.keys.map((k) => `${k.keyId} (${keyFingerprint(k.publicKey)})`).join(', ')}\n`,
    );
    return 0;
  }
  if (cmd !== 'serve') throw new Error(`unknown command "${cmd}"\n\n${USAGE}`);
  const port = Number(v.port ?? process.env.PORT ?? 8443);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, not "${v.port}"`);
  const app = new SyncApp({ store, log: (line) => process.stderr.write(`gatehouse-server: ${line}\n`) });
  const server = createServer(app.handle);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, v.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as { port: number; address: string };
  process.stdout.write(`${JSON.stringify({ event: 'ready', port: address.port, host: address.address, database: store.kind })}\n`);
  const stop = () => {
    app.close();
    server.closeAllConnections();
    server.close(() => {
      void store.close().then(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise(() => {});
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`gatehouse-server: ${(err as Error).message}\n`);
  process.exit(2);
});
