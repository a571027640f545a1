// A headless stand-in for the user's browser in OAuth and OIDC tests.

/**
 * The user's browser, headless: follows redirects with cookies, fills in the
 * provider's login and consent forms, and delivers the final redirect to the
 * daemon's /oauth/callback.
 */
export async function browse(start: string, user: string, callbackPath = '/oauth/callback'): Promise<string> {
  const cookies = new Map<string, string>();
  let url = start;
  let method = 'GET';
  let body: string | undefined;
  for (let step = 0; step < 20; step++) {
    const headers: Record<string, string> = body ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { method, redirect: 'manual', headers, ...(body ? { body } : {}) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    method = 'GET';
    body = undefined;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url).href;
      continue;
    }
    const html = await res.text();
    if (new URL(url).pathname === callbackPath) return html;
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
    if (!form) throw new Error(`stuck at ${url}: ${html.slice(0, 300)}`);
    const fields = new URLSearchParams();
    for (const [tag] of form[2]!.matchAll(/<input[^>]*>/gi)) {
      const name = /name="([^"]+)"/.exec(tag)?.[1];
      if (name) fields.set(name, /value="([^"]*)"/.exec(tag)?.[1] ?? '');
    }
    if (fields.has('login')) {
      fields.set('login', user);
      fields.set('password', 'any');
    }
    url = new URL(form[1]!, url).href;
    method = 'POST';
    body = fields.toString();
  }
  throw new Error('too many steps');
}
