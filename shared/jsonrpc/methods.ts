// What Gatehouse knows of each MCP request method an agent may send, said once: the
// router, the audit, the era rules and the cache hints all read this table. Keyed by what
// a peer sends: a Map, so "__proto__" or "constructor" is just an unknown method.

export interface MethodTraits {
  /** Reaches an upstream: refused while the bundle is expired or Gatehouse is paused. */
  forwarded?: true;
  /** Its answer depends on the catalog: held briefly while servers first start. */
  catalog?: true;
  /** Each call gets an audit record of this type. */
  recorded?: true;
  /** Exists on the 2026-07-28 wire. */
  modern?: true;
  /** A 2026-07-28 client may cache its result (it carries a lifetime and a scope). */
  cacheable?: true;
}

export const METHODS: ReadonlyMap<string, MethodTraits> = new Map<string, MethodTraits>([
  ['initialize', {}],
  ['ping', {}],
  ['logging/setLevel', {}],
  ['resources/unsubscribe', {}],
  ['server/discover', { modern: true, cacheable: true }],
  ['subscriptions/listen', { modern: true }],
  ['tools/list', { catalog: true, modern: true, cacheable: true }],
  ['prompts/list', { catalog: true, modern: true, cacheable: true }],
  ['resources/list', { catalog: true, modern: true, cacheable: true }],
  ['resources/templates/list', { catalog: true, modern: true, cacheable: true }],
  ['tools/call', { forwarded: true, catalog: true, recorded: true, modern: true }],
  ['prompts/get', { forwarded: true, catalog: true, recorded: true, modern: true }],
  ['resources/read', { forwarded: true, catalog: true, recorded: true, modern: true, cacheable: true }],
  ['resources/subscribe', { forwarded: true, catalog: true }],
  ['completion/complete', { forwarded: true, catalog: true, recorded: true, modern: true }],
  // The tasks extension's methods (io.modelcontextprotocol/tasks), routed to the server that made the task.
  ['tasks/get', { forwarded: true, modern: true }],
  ['tasks/update', { forwarded: true, modern: true }],
  ['tasks/cancel', { forwarded: true, modern: true }],
]);

/** The methods that have a trait, as a set. */
export function methodsWith(trait: keyof MethodTraits): ReadonlySet<string> {
  return new Set([...METHODS].filter(([, t]) => t[trait]).map(([m]) => m));
}

/** The list_changed notifications, by the method that lists what changed. */
export const LIST_CHANGED_OF: ReadonlyMap<string, string> = new Map([
  ['tools/list', 'notifications/tools/list_changed'],
  ['prompts/list', 'notifications/prompts/list_changed'],
  ['resources/list', 'notifications/resources/list_changed'],
  ['resources/templates/list', 'notifications/resources/list_changed'],
]);
