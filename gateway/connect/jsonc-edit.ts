import { findNodeAtLocation, parseTree, visit, type Node } from 'jsonc-parser';

// Surgical edits of one member in a JSONC file (an IDE's own config). jsonc-parser
// parses; the edits are our own because its modify() re-formats the neighbouring
// entries and can drop a comment that follows the member it removes. Only the
// member's own text changes (and one comma when needed); every other byte stays.

export interface Layout {
  unit: string;
  eol: string;
}

/** The file's own indentation unit and line ends, so an inserted member looks like its neighbours. */
export function layoutOf(text: string): Layout {
  const indent = /^[ \t]+(?=\S)/m.exec(text)?.[0] ?? '  ';
  return { unit: indent.startsWith('\t') ? '\t' : indent, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
const indentAt = (text: string, offset: number) => /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];
const end = (node: Node) => node.offset + node.length;

function render(value: unknown, indent: string, layout: Layout): string {
  return JSON.stringify(value, null, layout.unit).split('\n').join(`${layout.eol}${indent}`);
}

/** Offsets of the commas between members (outside strings and comments). */
function commas(text: string): number[] {
  const found: number[] = [];
  visit(
    text,
    {
      onSeparator: (sep, offset) => {
        if (sep === ',') found.push(offset);
      },
    },
    { allowTrailingComma: true, disallowComments: false },
  );
  return found;
}
const commaIn = (all: number[], from: number, to: number) => all.find((c) => c >= from && c < to);

function splice(text: string, edits: { at: number; remove?: number; insert?: string }[]): string {
  let out = text;
  // From the end backwards; at one offset, the edit listed first ends up first in the text.
  const order = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.at - a.at || b.i - a.i);
  for (const e of order) out = out.slice(0, e.at) + (e.insert ?? '') + out.slice(e.at + (e.remove ?? 0));
  return out;
}

function insertMember(text: string, object: Node, name: string, value: unknown, layout: Layout): string {
  const members = object.children ?? [];
  const close = end(object) - 1;
  const outer = indentAt(text, object.offset);
  const compact = !members.length || lineStart(text, members[0]!.offset) === lineStart(text, object.offset);
  const indent = compact ? outer + layout.unit : indentAt(text, members[0]!.offset);
  const body = `${JSON.stringify(name)}: ${render(value, indent, layout)}`;
  if (!members.length) {
    const inside = text.slice(object.offset + 1, close);
    if (!inside.trim()) return splice(text, [{ at: object.offset + 1, remove: inside.length, insert: `${layout.eol}${indent}${body}${layout.eol}${outer}` }]);
    return splice(text, [{ at: object.offset + 1, insert: `${layout.eol}${indent}${body}` }]);
  }
  const last = members.at(-1)!;
  const trailing = commaIn(commas(text), end(last), close) !== undefined;
  const closeLine = lineStart(text, close);
  const ownLine = closeLine > end(last) && !text.slice(closeLine, close).trim();
  const edits = trailing ? [] : [{ at: end(last), insert: ',' }];
  if (ownLine) edits.push({ at: closeLine, insert: `${indent}${body}${trailing ? ',' : ''}${layout.eol}` });
  else edits.push({ at: close, insert: `${layout.eol}${indent}${body}${layout.eol}${outer}` });
  return splice(text, edits);
}

function removeMember(text: string, object: Node, member: Node): string {
  const members = object.children ?? [];
  const i = members.indexOf(member);
  const all = commas(text);
  const close = end(object) - 1;
  let from = member.offset;
  let to = end(member);
  const after = commaIn(all, to, members[i + 1]?.offset ?? close);
  const edits: { at: number; remove?: number; insert?: string }[] = [];
  if (after !== undefined) to = after + 1;
  else if (i > 0) {
    // The last member goes: the one before it loses its comma (unless the file uses trailing commas).
    const before = commaIn(all, end(members[i - 1]!), member.offset);
    if (before !== undefined) edits.push({ at: before, remove: 1 });
  }
  // A member on lines of its own takes those lines with it.
  const startOfLine = lineStart(text, from);
  const rest = /^[ \t]*(\r?\n)/.exec(text.slice(to));
  if (!text.slice(startOfLine, from).trim() && rest) {
    from = startOfLine;
    to += rest[0].length;
  }
  edits.push({ at: from, remove: to - from });
  return splice(text, edits);
}

/**
 * The text with `text[path[0]][path[1]]` set to `value`, or removed when value is
 * undefined. The caller has checked that the text parses and that path[0] is an object.
 */
export function setMember(text: string, path: [string, string], value: unknown): string {
  const layout = layoutOf(text);
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return value === undefined ? text : `${JSON.stringify({ [path[0]]: { [path[1]]: value } }, null, 2)}\n`;
  const object = findNodeAtLocation(root, [path[0]]);
  const existing = object && findNodeAtLocation(root, path);
  if (value === undefined) return existing ? removeMember(text, object, existing.parent!) : text;
  if (!object) return insertMember(text, root, path[0], { [path[1]]: value }, layout);
  if (!existing) return insertMember(text, object, path[1], value, layout);
  return splice(text, [{ at: existing.offset, remove: existing.length, insert: render(value, indentAt(text, existing.parent!.offset), layout) }]);
}
