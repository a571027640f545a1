// Protocol revisions Gatehouse speaks, newest first, and the reserved _meta keys
// of the stateless 2026-07-28 revision.

export const LEGACY_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;
export const MODERN_PROTOCOL_VERSION = '2026-07-28';

export const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
  logLevel: 'io.modelcontextprotocol/logLevel',
} as const;

export function isModernVersion(version: string | undefined): boolean {
  return version !== undefined && version >= MODERN_PROTOCOL_VERSION;
}

/** The version to answer an initialize with: the client's own if we speak it, else our newest. */
export function negotiateLegacyVersion(requested: unknown): string {
  if (typeof requested === 'string' && (LEGACY_PROTOCOL_VERSIONS as readonly string[]).includes(requested)) return requested;
  return LEGACY_PROTOCOL_VERSIONS[0];
}
