// Exposed names for namespaced tools and prompts. Clients (Claude, Cursor, VS Code)
// reject names outside ^[a-zA-Z0-9_-]{1,64}$, so we sanitise and shorten
// deterministically: the same inputs always give the same exposed name.

export const MAX_TOOL_NAME_LENGTH = 64;
const SAFE = /[^A-Za-z0-9_-]/g;

/** FNV-1a 32-bit: tiny, deterministic and runtime-agnostic. Not a security hash. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).padStart(7, '0');
}

export function exposedName(serverId: string, name: string, separator: string, passthrough: boolean): string {
  const full = passthrough ? name : `${serverId}${separator}${name}`;
  const safe = full.replace(SAFE, '_');
  if (safe === full && safe.length <= MAX_TOOL_NAME_LENGTH && safe.length > 0) return safe;
  // Changed or too long: append a hash of the original so distinct inputs never collide.
  const suffix = `_${shortHash(full)}`;
  return safe.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length) + suffix;
}
