// Server, tool, user and agent patterns in policies: `*` is any run of
// characters, `?` exactly one, everything else literal. Deliberately small:
// admins write these by hand, and a pattern must mean what it looks like.

const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 's');
    cache.set(pattern, re);
  }
  return re;
}

export function matchesAny(patterns: readonly string[], value: string): boolean {
  for (const p of patterns) {
    if (p === '*' || p === value) return true;
    if ((p.includes('*') || p.includes('?')) && globToRegExp(p).test(value)) return true;
  }
  return false;
}
