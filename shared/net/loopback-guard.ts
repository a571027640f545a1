// DNS-rebinding and CSRF defence for the loopback listener. A browser page on
// evil.example.com can resolve its name to 127.0.0.1; the Host header still says
// evil.example.com, and its Origin says so too. Only our own loopback names pass.

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** A URL's hostname (`new URL(…).hostname`, IPv6 in brackets) that names this machine. */
export function isLoopbackName(hostname: string): boolean {
  return LOOPBACK_NAMES.includes(hostname.toLowerCase());
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return LOOPBACK_NAMES.some((name) => h === `${name}:${port}` || (port === 80 && h === name));
}

/** No Origin (CLI tools, IDE agents) is fine; a browser Origin must be this listener or an explicitly allowed one. */
export function isAllowedOrigin(origin: string | undefined, port: number, extra: readonly string[] = []): boolean {
  if (origin === undefined) return true;
  const o = origin.toLowerCase();
  if (extra.includes(o)) return true;
  return LOOPBACK_NAMES.some((name) => o === `http://${name}:${port}`);
}
