import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';

// Pins are SHA-256 over the RFC 8785 (JCS) canonical JSON of the *whole* tool
// definition: name, title, description, every schema path, annotations. A pin of
// the description text alone (mcp-scan's MD5) misses schema-only rug pulls.

export type ToolDefinition = Record<string, unknown>;
/** SHA-256 as lower-case hex. The pure-JS default runs anywhere; Node callers pass node:crypto's, ~6× faster. */
export type Digest = (text: string) => string;

/** The fields of a tool that a model reads or that shape a call; `_meta` and unknown extras count too. */
export function canonicalTool(tool: ToolDefinition): string {
  const text = canonicalize(tool);
  if (text === undefined) throw new Error('tool definition cannot be canonicalized');
  return text;
}

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

export function toolHash(tool: ToolDefinition, digest: Digest = sha256Hex): string {
  return `sha256:${digest(canonicalTool(tool))}`;
}

/** One hash for a server: its sorted tool hashes plus its instructions. */
export function serverHash(toolHashes: Iterable<string>, instructions: string | undefined, digest: Digest = sha256Hex): string {
  return `sha256:${digest(canonicalize({ tools: [...toolHashes].sort(), instructions: instructions ?? null })!)}`;
}
