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

/** One hash for a server: its sorted tool hashes plus its instructions. */
export function serverHash(toolHashes: Iterable<string>, instructions: string | undefined, digest: Digest = sha256Hex): string {
  return `sha256:${digest(canonicalize({ tools: [...toolHashes].sort(), instructions: instructions ?? null })!)}`;
}
