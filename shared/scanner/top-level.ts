import { cutText } from '../text/cut.ts';
import { escapeKey } from './extract.ts';

// What a model reads of a tool one level deep: its description and title, and each parameter's title, description,
// string default and allowed values, cut to a budget and read once per definition. The readings that look at other
// tools of the list (sibling-chain.ts, caller-waiver.ts) get those definitions raw from the server, unbounded: a walk
// of the whole definition would pay for a peer's megabytes or its 6,000 levels of nesting; this read pays for at most
// 16 K characters and 64 parameters, whatever the peer sent.

type Tool = Record<string, unknown>;
const TEXT_CAP = 4_000;
const TOTAL_CAP = 16_000;
const PARAMS_CAP = 64;
const ENUM_CAP = 64;

export interface TopLevelText {
  /** JSON Pointer of the string in the definition. */
  path: string;
  text: string;
  kind: 'description' | 'title' | 'param-title' | 'param-description' | 'default';
  /** The parameter it belongs to, for the parameter's pieces. */
  param?: string;
}
export interface TopLevel {
  texts: TopLevelText[];
  /** Parameters read (at most PARAMS_CAP). */
  params: number;
  /** String allowed values of the parameters read (at most ENUM_CAP each). */
  enums: string[];
}

const reads = new WeakMap<Tool, TopLevel>();
export const isObject = (v: unknown): v is Tool => typeof v === 'object' && v !== null && !Array.isArray(v);

export function topLevel(tool: Tool): TopLevel {
  const known = reads.get(tool);
  if (known) return known;
  const texts: TopLevelText[] = [];
  const enums: string[] = [];
  let total = 0;
  const take = (text: unknown, path: string, kind: TopLevelText['kind'], param?: string) => {
    if (typeof text !== 'string' || total >= TOTAL_CAP) return;
    const cut = cutText(text, Math.min(TEXT_CAP, TOTAL_CAP - total));
    total += cut.length;
    texts.push({ path, text: cut, kind, ...(param === undefined ? {} : { param }) });
  };
  take(tool.description, '/description', 'description');
  take(tool.title, '/title', 'title');
  const props = isObject(tool.inputSchema) ? tool.inputSchema.properties : undefined;
  let params = 0;
  if (isObject(props)) {
    for (const key in props) {
      if (!Object.hasOwn(props, key)) continue;
      if (params >= PARAMS_CAP) break;
      params++;
      const p = props[key];
      if (!isObject(p)) continue;
      const at = `/inputSchema/properties/${escapeKey(key)}`;
      take(p.title, `${at}/title`, 'param-title', key);
      if (Array.isArray(p.enum)) for (const v of p.enum.slice(0, ENUM_CAP)) if (typeof v === 'string') enums.push(v);
      take(p.description, `${at}/description`, 'param-description', key);
      take(p.default, `${at}/default`, 'default', key);
    }
  }
  const read = { texts, params, enums };
  reads.set(tool, read);
  return read;
}
