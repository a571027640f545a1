import { cutText, wellFormed } from '../text/cut.ts';
import { isPlainObject } from './message.ts';

// MCP's Implementation (an agent's clientInfo, a server's serverInfo) as a peer sends it: any
// shape, any size, nested as deep as it likes. Only short, well-formed name, title and
// version strings are kept, so it can be shown, written again and recorded.

const INFO_FIELDS = ['name', 'title', 'version'] as const;
const MAX_INFO_CHARS = 200;

/** clientInfo or serverInfo as a record of short, well-formed strings (name, title, version), or undefined. */
export function implementationInfoOf(value: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const field of INFO_FIELDS) {
    const v = value[field];
    if (typeof v === 'string') out[field] = cutText(wellFormed(v), MAX_INFO_CHARS);
  }
  return out;
}
