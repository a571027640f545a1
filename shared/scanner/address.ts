// Address-shaped tokens: where a text could send things. A URL is one, but so
// is a bare host ("evil.example.com"), a host with a path ("drop.example/in"),
// an IP with or without a port, or an e-mail address. File names ("config.json",
// "index.ts") are not: a host ends in a top-level domain, never in a file type.

const TLD = String.raw`(?:com|net|org|io|co|ai|dev|app|xyz|info|biz|me|tk|ml|ga|cf|gq|ru|cn|top|site|online|club|pw|cc|su|ws|onion|ly|to|gg|in|us|uk|de|fr|nl|eu|ch|jp|kr|br|au|ca|tech|cloud|live|link|click|host|space|store|shop|fun|icu|zip|mov|example|test|invalid|internal|lan|corp|ir|kp|tv|fm|vip|win|bid|loan|men|date|party|trade|stream|gdn|cyou|buzz|rest|monster|sbs|cfd)`;
const HOST = String.raw`(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+${TLD}(?![\w-]|\.[a-z0-9])(?::\d{2,5})?(?:\/[^\s'"\x60)<>\]]*)?`;
const LOCAL = /^(?:https?:\/\/)?(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\])(?:[:/]|$)/i;

/** Any address: URL, e-mail, IP[:port], bare host[/path]. Global, for matchAll. */
export const ADDRESS = new RegExp(
  String.raw`\b(?:https?|wss?|ftp)://[^\s'"\x60)<>\]]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{2,5})?(?:\/[^\s'"\x60)<>]*)?|(?<![@\w.-])${HOST}`,
  'gi',
);
/** A bare host or an IP right after "to"/"at"/"into": the destination of something, for use inside larger patterns. */
export const BARE_DESTINATION = String.raw`(?<=\b(?:to|at|into|towards?|via)\s+(?:the\s+)?(?:(?:host|server|endpoint|domain|address|collector)\s+)?['"\x60]?)(?:${HOST}|(?:\d{1,3}\.){3}\d{1,3}(?::\d{2,5})?)`;

export interface Address {
  text: string;
  at: number;
  kind: 'url' | 'email' | 'ip' | 'host';
}

/** The outside addresses in a text (loopback ones left out). */
export function addresses(text: string): Address[] {
  if (!/\.[a-z0-9]/i.test(text)) return [];
  const out: Address[] = [];
  for (const m of text.matchAll(ADDRESS)) {
    const raw = m[0].replace(/[.,;:]+$/, '');
    if (LOCAL.test(raw)) continue;
    const kind = /^[a-z]+:\/\//i.test(raw) ? 'url' : raw.includes('@') ? 'email' : /^\d/.test(raw) && /^(?:\d{1,3}\.){3}\d{1,3}/.test(raw) ? 'ip' : 'host';
    // A version number ("1.2.3.4") is not an address unless a port says so.
    if (kind === 'ip' && !raw.includes(':') && raw.split('.').some((p) => Number(p) > 255)) continue;
    out.push({ text: raw, at: m.index, kind });
  }
  return out;
}
