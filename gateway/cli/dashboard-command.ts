import { z } from 'zod';
import type { ControlClient } from './daemon-client.ts';

// `gatehouse dashboard`: a link to the daemon's own dashboard that signs the browser
// in once (gateway/control/one-time-codes.ts), so nobody has to paste the control token.

export async function dashboardLink(client: ControlClient): Promise<string> {
  const app = `${client.origin}/app/`;
  const served = await fetch(app).then(
    async (r) => {
      await r.body?.cancel();
      return r.ok;
    },
    () => false,
  );
  if (!served)
    throw new Error(
      `this daemon serves no dashboard at ${app}: it was started from sources that were never built; build them with \`npm run build\` (./scripts/gatehouse does it for you) and restart the daemon`,
    );
  const { code } = await client.call('POST', '/dashboard/link', z.object({ code: z.string().regex(/^[0-9a-f]{64}$/) }));
  return `${app}#/overview&code=${code}`;
}
