import type { DiffEntry } from './diff.ts';
import type { PendingChange } from './pending.ts';
import { clip, diffSize, renderWordDiff, reveal, wordDiff } from './word-diff.ts';

// A pending change in words, for the person deciding: each changed text as a
// word diff, schema edits as sentences ("new required parameter `cc`", "enum of
// `scope` widened: +`all_private_messages`"), and a tool never approved shown as
// what it is rather than as a list of "added" paths.

export interface ExplainedLine {
  text: string;
  /** A text edit too long for a prompt: the line says so instead of showing an excerpt. */
  tooLong?: boolean;
}

/** A tool that has no approved definition to compare with (new, or pinned by a bundle Gatehouse never read). */
export function neverApproved(change: Pick<PendingChange, 'kind' | 'oldDefinition'>): boolean {
  return change.kind === 'new' || change.oldDefinition === null;
}

const VALUE_MAX = 80;
const code = (value: unknown): string => `\`${clip(reveal(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined')), VALUE_MAX)}\``;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function at(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const s of segments) {
    if (Array.isArray(node)) node = node[Number(s)];
    else if (isObject(node) && Object.hasOwn(node, s)) node = node[s];
    else return undefined;
  }
  return node;
}

/** Where a JSON Pointer lands: which parameter (dotted), which schema keyword, and the rest. */
interface Place {
  schema: 'input' | 'output' | null;
  owner: string[];
  ownerPath: string[];
  keyword: string | undefined;
  rest: string[];
}

function place(pointer: string): Place {
  const segments = pointer.split('/').slice(1).map(unescape);
  const root = segments[0];
  if (root !== 'inputSchema' && root !== 'outputSchema') return { schema: null, owner: [], ownerPath: [], keyword: segments[0], rest: segments.slice(1) };
  const owner: string[] = [];
  let i = 1;
  for (;;) {
    if (segments[i] === 'properties' && segments[i + 1] !== undefined) {
      owner.push(segments[i + 1]!);
      i += 2;
    } else if (segments[i] === 'items') {
      owner.push('[]');
      i++;
    } else break;
  }
  return { schema: root === 'inputSchema' ? 'input' : 'output', owner, ownerPath: segments.slice(0, i), keyword: segments[i], rest: segments.slice(i + 1) };
}

const paramName = (owner: readonly string[]) => owner.join('.').replace(/\.\[\]/g, '[]');
const noun = (p: Place) => (p.schema === 'output' ? 'output field' : 'parameter');

function textLine(label: string, before: unknown, after: unknown, maxLine: number): ExplainedLine {
  const parts = wordDiff(typeof before === 'string' ? before : '', typeof after === 'string' ? after : '');
  const rendered = `${label}: ${renderWordDiff(parts)}`;
  if (Array.from(rendered).length <= maxLine) return { text: rendered };
  const { added, removed } = diffSize(parts);
  return { text: `${label}: a long edit (${added} words added, ${removed} removed), too long to show here`, tooLong: true };
}

/** A text shown whole, or said to be too long: never a cut that could hide the end. */
function whole(label: string, text: string, maxLine: number): ExplainedLine {
  const line = `${label}: "${reveal(text)}"`;
  return Array.from(line).length <= maxLine
    ? { text: line }
    : { text: `${label}: ${Array.from(text).length} characters, too long to show here`, tooLong: true };
}

function typeOf(schema: unknown): string {
  if (!isObject(schema)) return 'any';
  const type = Array.isArray(schema.type) ? schema.type.join('|') : typeof schema.type === 'string' ? schema.type : 'any';
  return Array.isArray(schema.enum) ? `${type}: ${schema.enum.map((v) => clip(reveal(String(v)), 40)).join(' | ')}` : type;
}

function requiredOf(parentSchema: unknown): Set<string> {
  const r = isObject(parentSchema) ? parentSchema.required : undefined;
  return new Set(Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : []);
}

/** Sentences for every edit between the approved definition and the new one. */
export function explainChange(change: Pick<PendingChange, 'oldDefinition' | 'newDefinition' | 'diff'>, maxLine = 1500): ExplainedLine[] {
  const before = change.oldDefinition ?? {};
  const after = change.newDefinition;
  const lines: ExplainedLine[] = [];
  const done = new Set<string>();
  const once = (key: string) => (done.has(key) ? false : (done.add(key), true));
  for (const entry of change.diff as readonly DiffEntry[]) {
    const p = place(entry.path);
    const name = paramName(p.owner);
    const subject = p.schema === null ? '' : name ? `${noun(p)} \`${reveal(name)}\`` : `${p.schema} schema`;
    if (p.schema === null) {
      if (p.keyword === 'description' || p.keyword === 'title') lines.push(textLine(p.keyword, entry.before, entry.after, maxLine));
      else if (p.keyword === 'name') lines.push({ text: `renamed: ${code(entry.before)} → ${code(entry.after)}` });
      else if (p.keyword === 'annotations' && p.rest.length)
        lines.push({
          text: `annotation ${p.rest.join('.')}: ${entry.kind === 'added' ? `set to ${code(entry.after)}` : entry.kind === 'removed' ? `removed (was ${code(entry.before)})` : `${code(entry.before)} → ${code(entry.after)}`}`,
        });
      else lines.push({ text: `${entry.kind} ${entry.path}${entry.kind === 'removed' ? '' : `: ${code(entry.after)}`}` });
      continue;
    }
    if (p.keyword === undefined && name) {
      // A whole parameter appeared or went away.
      const parentSchema = at(after, p.ownerPath.slice(0, -2));
      if (entry.kind === 'added') {
        const required = requiredOf(parentSchema).has(p.owner.at(-1)!) ? 'required ' : '';
        const label = `new ${required}${noun(p)} \`${reveal(name)}\` (${typeOf(entry.after)})`;
        lines.push(isObject(entry.after) && typeof entry.after.description === 'string' ? whole(label, entry.after.description, maxLine) : { text: label });
      } else if (entry.kind === 'removed') lines.push({ text: `${noun(p)} \`${reveal(name)}\` removed` });
      else lines.push({ text: `${subject} replaced: ${code(entry.before)} → ${code(entry.after)}` });
      continue;
    }
    const ownerBefore = at(before, p.ownerPath);
    const ownerAfter = at(after, p.ownerPath);
    if (p.keyword === 'enum') {
      if (!once(`enum:${entry.path.split('/enum')[0]}`)) continue;
      const was = isObject(ownerBefore) && Array.isArray(ownerBefore.enum) ? ownerBefore.enum.map((v) => JSON.stringify(v)) : [];
      const now = isObject(ownerAfter) && Array.isArray(ownerAfter.enum) ? ownerAfter.enum.map((v) => JSON.stringify(v)) : [];
      const added = now.filter((v) => !was.includes(v)).map((v) => `+${code(JSON.parse(v))}`);
      const removed = was.filter((v) => !now.includes(v)).map((v) => `−${code(JSON.parse(v))}`);
      const how = !was.length
        ? 'now limited to'
        : !now.length
          ? 'no longer limited'
          : removed.length && added.length
            ? 'changed'
            : added.length
              ? 'widened'
              : removed.length
                ? 'narrowed'
                : 'reordered';
      lines.push({ text: `enum of ${subject} ${how}${[...added, ...removed].length ? `: ${[...added, ...removed].join(', ')}` : ''}` });
      continue;
    }
    if (p.keyword === 'required') {
      if (!once(`required:${p.ownerPath.join('/')}`)) continue;
      const was = requiredOf(ownerBefore);
      const now = requiredOf(ownerAfter);
      const props = isObject(ownerBefore) && isObject(ownerBefore.properties) ? ownerBefore.properties : {};
      const prefix = name ? `${name}.` : '';
      for (const r of now) if (!was.has(r) && Object.hasOwn(props, r)) lines.push({ text: `${noun(p)} \`${reveal(prefix + r)}\` is now required` });
      for (const r of was) if (!now.has(r)) lines.push({ text: `${noun(p)} \`${reveal(prefix + r)}\` is no longer required` });
      continue;
    }
    if ((p.keyword === 'description' || p.keyword === 'title') && p.rest.length === 0) {
      lines.push(textLine(`${p.keyword} of ${subject}`, entry.before, entry.after, maxLine));
      continue;
    }
    const what = [p.keyword, ...p.rest].filter(Boolean).join('.');
    lines.push({
      text:
        entry.kind === 'added'
          ? `${what} of ${subject} set to ${code(entry.after)}`
          : entry.kind === 'removed'
            ? `${what} of ${subject} removed (was ${code(entry.before)})`
            : `${what} of ${subject}: ${code(entry.before)} → ${code(entry.after)}`,
    });
  }
  return lines;
}

/** A definition nobody approved, described whole: its description and its parameters. */
export function describeDefinition(definition: Json, maxLine = 1500): ExplainedLine[] {
  const lines: ExplainedLine[] = [];
  if (typeof definition.title === 'string') lines.push(whole('title', definition.title, maxLine));
  if (typeof definition.description === 'string') lines.push(whole('description', definition.description, maxLine));
  const schema = definition.inputSchema;
  const props = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  const required = requiredOf(schema);
  const params = Object.entries(props).map(([k, v]) => `\`${reveal(k)}\` (${typeOf(v)}${required.has(k) ? ', required' : ''})`);
  lines.push({ text: params.length ? `parameters: ${params.join(', ')}` : 'parameters: none' });
  for (const [k, v] of Object.entries(props)) {
    if (isObject(v) && typeof v.description === 'string') lines.push(whole(`parameter \`${reveal(k)}\``, v.description, maxLine));
  }
  return lines;
}
