// Path arguments are judged the way any server might read them. An argument
// passes a prefix rule only if every plausible reading of it (as written,
// percent-decoded, as a file: URL, with backslashes as separators) normalises
// to a path inside one of the roots. Stricter than any one server, on purpose:
// the gateway cannot know which reading the server will use.

export type PathVerdict = { ok: true } | { ok: false; reason: string };

const MAX_DECODE_ROUNDS = 4;

/** Collapses `.`, `..` and repeated separators of an absolute path; `..` never climbs above the root. */
export function normalizeAbsolute(path: string): string {
  const drive = /^[A-Za-z]:/.exec(path)?.[0] ?? '';
  const parts: string[] = [];
  for (const seg of path.slice(drive.length).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `${drive.toUpperCase()}/${parts.join('/')}`;
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

/** Every way a server might read this argument. */
function readings(raw: string): string[] {
  const out = new Set<string>([raw]);
  let decoded = raw;
  for (let i = 0; i < MAX_DECODE_ROUNDS && /%[0-9a-f]{2}/i.test(decoded); i++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      break;
    }
    out.add(decoded);
  }
  for (const r of [...out]) {
    if (/^file:/i.test(r)) out.add(r.replace(/^file:(\/\/[^/]*)?/i, ''));
  }
  for (const r of [...out]) if (r.includes('\\')) out.add(r.replace(/\\/g, '/'));
  return [...out];
}

function inside(path: string, root: string): boolean {
  const caseless = /^[A-Z]:/.test(root);
  const p = caseless ? path.toLowerCase() : path;
  const r = caseless ? root.toLowerCase() : root;
  return r === '/' || p === r || p.startsWith(`${r}/`);
}

/** Roots are normalised once, when the policy compiles. */
export function normalizeRoot(root: string): string {
  return normalizeAbsolute(root.replace(/\\/g, '/'));
}

export function checkPath(value: unknown, roots: readonly string[]): PathVerdict {
  if (typeof value !== 'string')
    return { ok: false, reason: `must be a path string, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}` };
  if (/[\u0000-\u001f\u007f]/.test(value)) return { ok: false, reason: 'contains control characters' };
  for (const reading of readings(value)) {
    if (/[\u0000]/.test(reading)) return { ok: false, reason: 'decodes to a NUL byte' };
    if (reading.startsWith('~')) return { ok: false, reason: 'starts with ~ (the server would expand it); give an absolute path' };
    if (!isAbsolute(reading)) return { ok: false, reason: `"${reading}" is not absolute; give an absolute path` };
    const normal = normalizeAbsolute(reading);
    if (!roots.some((root) => inside(normal, root))) return { ok: false, reason: `"${value}" resolves to ${normal}, outside ${roots.join(', ')}` };
  }
  return { ok: true };
}
