import canonicalize from 'canonicalize';
import { sha256Hex, type Digest } from '../hashing/sha256.ts';

// Pins are SHA-256 over the RFC 8785 (JCS) canonical JSON of the *whole* tool
// definition: name, title, description, every schema path, annotations. A pin of
// the description text alone (mcp-scan's MD5) misses schema-only rug pulls.

export type ToolDefinition = Record<string, unknown>;

/** The fields of a tool that a model reads or that shape a call; `_meta` and unknown extras count too. */
export function canonicalTool(tool: ToolDefinition): string {
  let text: string | undefined;
  try {
    text = canonicalize(tool);
  } catch {
    // RFC 8785 refuses lone surrogates, and any peer can send them. JSON.stringify keeps
    // them exactly (as \udXXX escapes), so such a tool still has a hash of its own and
    // goes through the gate like any other; the prefix keeps these hashes apart from
    // canonical ones. (Mending the text to U+FFFD first would let two tools share a pin.)
    text = undefined;
  }
  if (text !== undefined) return text;
  const raw = JSON.stringify(tool) as string | undefined;
  if (raw === undefined) throw new Error('tool definition cannot be serialized');
  return `non-canonical JSON:${raw}`;
}

export function toolHash(tool: ToolDefinition, digest: Digest = sha256Hex): string {
  return `sha256:${digest(canonicalTool(tool))}`;
}

/**
 * One hash for a server: its sorted tool hashes plus its instructions, as the JCS text of
 * `{ instructions, tools }`. That text is built here rather than by `canonicalize`: JCS
 * writes a well-formed string as `JSON.stringify` does, so the text is the same, but
 * `canonicalize` refuses lone surrogates, and a server's instructions are the peer's to
 * choose (they once stopped the daemon at the end of a first sight). `JSON.stringify`
 * escapes a lone surrogate as `\udXXX`, which no well-formed string is written as, so no
 * two servers share a hash through it. It is also one call for 20,000 hashes instead of a
 * walk over each.
 */
export function serverHash(toolHashes: Iterable<string>, instructions: string | undefined, digest: Digest = sha256Hex): string {
  return `sha256:${digest(`{"instructions":${JSON.stringify(instructions ?? null)},"tools":${JSON.stringify([...toolHashes].sort())}}`)}`;
}
