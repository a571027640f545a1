import { isPlainObject } from '../../shared/jsonrpc/message.ts';

// Shapes an agent declares about itself (initialize, the 2026 envelope) are kept only
// in the form the rest of the daemon reads them: status, the dashboard and relaying
// all assume objects and strings, so anything else is dropped at the door.

/** Declared capabilities: an object whose entries are objects (the spec's shape), or none. */
export function capabilitiesOf(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (!isPlainObject(value)) return out;
  for (const [k, v] of Object.entries(value)) if (isPlainObject(v)) out[k] = v;
  return out;
}

/**
 * What is wrong with a request's params that would otherwise break forwarding: a
 * `_meta` that is not an object, or a progress token an upstream cannot echo (the
 * spec allows a string or an integer). Undefined when they are fine.
 */
export function paramsProblem(params: Record<string, unknown>): string | undefined {
  if (!('_meta' in params) || params._meta === undefined) return undefined;
  const meta = params._meta;
  if (!isPlainObject(meta)) return '"_meta" must be an object';
  if ('progressToken' in meta) {
    const t = meta.progressToken;
    if (!(typeof t === 'string' || (typeof t === 'number' && Number.isSafeInteger(t)))) return '"_meta.progressToken" must be a string or an integer';
  }
  return undefined;
}
