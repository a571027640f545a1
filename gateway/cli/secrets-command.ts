import { z } from 'zod';
import { CredentialStatusSchema } from '../../shared/control/contract.ts';
import { SecretsAnswer } from '../../shared/control/routes.ts';
import type { ControlClient } from './daemon-client.ts';

/** Reads a secret from standard input: typed without echo on a terminal, or piped. Never from argv. */
export async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.setRawMode(false);
            stdin.pause();
            stdin.off('data', onData);
            process.stderr.write('\n');
            resolve(value);
            return;
          }
          if (ch === '\u0003') {
            stdin.setRawMode(false);
            reject(new Error('cancelled'));
            return;
          }
          if (ch === '\u007f') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  }
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function secretsCommand(client: ControlClient, action: string | undefined, target: string | undefined): Promise<string> {
  if (action === 'list' || action === undefined) {
    const { slots } = await client.call('GET', '/secrets', SecretsAnswer);
    if (slots.length === 0) return 'No server in the bundle declares credentials.\n';
    const lines = slots.map(
      (s) =>
        `${`${s.server}/${s.slot}`.padEnd(32)} ${s.kind.padEnd(6)} ${s.set ? `set ${s.setAt}` : s.required ? 'NOT SET (required)' : 'not set'}${s.rotatedAt ? `, rotated ${s.rotatedAt}` : ''}${s.due ? '  ROTATION DUE' : ''}`,
    );
    return `${lines.join('\n')}\n`;
  }
  const m = /^([a-z0-9-]{1,32})\/([A-Za-z0-9_-]{1,48})$/.exec(target ?? '');
  if (!m) throw new Error(`secrets ${action} needs SERVER/SLOT, e.g. github/token`);
  const path = `/secrets/${m[1]}/${m[2]}`;
  if (action === 'delete') {
    await client.call('DELETE', path, z.object({ deleted: z.string() }));
    return `deleted ${target}\n`;
  }
  if (action === 'set' || action === 'rotate') {
    const value = await readSecret(`${action === 'rotate' ? 'New value' : 'Value'} for ${target} (input hidden): `);
    const status = await client.call(action === 'set' ? 'PUT' : 'POST', action === 'set' ? path : `${path}/rotate`, CredentialStatusSchema, { value });
    return `${action === 'set' ? 'set' : 'rotated'} ${status.server}/${status.slot}; ${status.server} restarts with it\n`;
  }
  throw new Error('secrets needs list, set, rotate or delete');
}
