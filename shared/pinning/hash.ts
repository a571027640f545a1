import canonicalize from 'canonicalize';
import { sha256Hex, type Digest } from '../hashing/sha256.ts';

// Pins are SHA-256 over the RFC 8785 (JCS) canonical JSON of the *whole* tool
// definition: name, title, description, every schema path, annotations. A pin of
// the description text alone (mcp-scan's MD5) misses schema-only rug pulls.

export type ToolDefinition = Record<string, unknown>;

/** The fields of a tool that a model reads or that shape a call; `_meta` and unknown extras count too. */
export function canonicalTool(tool: ToolDefinition): string {
  const text = canonicalize(tool);
  if (text === undefined) throw new Error('tool definition cannot be canonicalized');
  return text;
}

export function toolHash(tool: ToolDefinition, digest: Digest = sha256Hex): string {
  return `sha256:${digest(canonicalTool(tool))}`;
}

/** One hash for a server: its sorted tool hashes plus its instructions. */
export function serverHash(toolHashes: Iterable<string>, instructions: string | undefined, digest: Digest = sha256Hex): string {
  return `sha256:${digest(canonicalize({ tools: [...toolHashes].sort(), instructions: instructions ?? null })!)}`;
}
