// A tiny fetch-based "browser" for tests: a cookie jar per host:port, manual redirects, HTML form
// parsing, and helpers that walk a SAML sign-in through the local SimpleSAMLphp IdP
// (test/peers/simplesamlphp.ts). Node built-ins only.

export interface StoredCookie {
  name: string;
  value: string;
  path: string;
  /** epoch ms; undefined = session cookie */
  expires?: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: string;
}

export interface HtmlInput {
  name: string;
  type: string;
  value: string;
}

export interface HtmlForm {
  /** absolute URL, resolved against the page URL */
  action: string;
  method: string;
  /** named inputs (last one wins), values HTML-entity decoded */
  fields: Record<string, string>;
  inputs: HtmlInput[];
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function toUrl(url: string | URL): URL {
  return typeof url === 'string' ? new URL(url) : url;
}

function hostKey(u: URL): string {
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return `${u.hostname}:${port}`;
}

function defaultCookiePath(u: URL): string {
  // RFC 6265 5.1.4
  const p = u.pathname;
  if (!p.startsWith('/')) return '/';
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

/** Parse one Set-Cookie header value. Domain is ignored: the jar is keyed by host:port. */
export function parseSetCookie(header: string, requestUrl: URL, now = Date.now()): StoredCookie | undefined {
  const parts = header.split(';');
  const first = parts.shift() ?? '';
  const eq = first.indexOf('=');
  if (eq <= 0) return undefined;
  const cookie: StoredCookie = {
    name: first.slice(0, eq).trim(),
    value: first.slice(eq + 1).trim(),
    path: defaultCookiePath(requestUrl),
    httpOnly: false,
    secure: false,
  };
  let maxAge: number | undefined;
  for (const raw of parts) {
    const i = raw.indexOf('=');
    const key = (i < 0 ? raw : raw.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? '' : raw.slice(i + 1).trim();
    if (key === 'path' && val.startsWith('/')) cookie.path = val;
    else if (key === 'expires') {
      const t = Date.parse(val);
      if (!Number.isNaN(t)) cookie.expires = t;
    } else if (key === 'max-age' && /^-?\d+$/.test(val)) maxAge = Number(val);
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'samesite') cookie.sameSite = val;
  }
  if (maxAge !== undefined) cookie.expires = maxAge <= 0 ? 0 : now + maxAge * 1000; // Max-Age wins
  return cookie;
}

/**
 * Fetch wrapper with a cookie jar (per host:port, like a browser keyed by origin host; ports are
 * kept apart so the IdP's PHPSESSID never leaks to the SP). Secure cookies are sent over http to
 * loopback hosts (browsers treat 127.0.0.1/localhost as potentially trustworthy). SameSite is
 * recorded but not enforced (all loopback ports are the same site anyway).
 */
export class Browser {
  private readonly jar = new Map<string, Map<string, StoredCookie>>();
  /** URL of the last request made (after manual redirects: the final one). */
  lastUrl: string | undefined;

  /** The Cookie header value this browser would send to `url` ('' if none). */
  cookieHeaderFor(url: string | URL): string {
    return this.cookiesFor(url)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** Cookies that would be sent to `url`, longest path first. */
  cookiesFor(url: string | URL): StoredCookie[] {
    const u = toUrl(url);
    const bucket = this.jar.get(hostKey(u));
    if (!bucket) return [];
    const now = Date.now();
    const secureOk = u.protocol === 'https:' || LOOPBACK.has(u.hostname);
    const out: StoredCookie[] = [];
    for (const [k, c] of bucket) {
      if (c.expires !== undefined && c.expires <= now) {
        bucket.delete(k);
        continue;
      }
      if (c.secure && !secureOk) continue;
      if (!pathMatches(u.pathname, c.path)) continue;
      out.push(c);
    }
    return out.sort((a, b) => b.path.length - a.path.length);
  }

  /** Value of cookie `name` as it would be sent to `url`. */
  getCookie(url: string | URL, name: string): string | undefined {
    return this.cookiesFor(url).find((c) => c.name === name)?.value;
  }

  setCookie(url: string | URL, name: string, value: string, path = '/'): void {
    this.store(toUrl(url), { name, value, path, httpOnly: false, secure: false });
  }

  /** Forget cookies for one host:port (if url given) or all. */
  clearCookies(url?: string | URL): void {
    if (url === undefined) this.jar.clear();
    else this.jar.delete(hostKey(toUrl(url)));
  }

  /** Record the Set-Cookie headers of a response to a request for `url`. */
  recordSetCookies(url: string | URL, res: Response): void {
    const u = toUrl(url);
    for (const h of res.headers.getSetCookie()) {
      const c = parseSetCookie(h, u);
      if (c) this.store(u, c);
    }
  }

  private store(u: URL, c: StoredCookie): void {
    const key = hostKey(u);
    let bucket = this.jar.get(key);
    if (!bucket) this.jar.set(key, (bucket = new Map()));
    const id = `${c.name}\u0000${c.path}`;
    if (c.expires !== undefined && c.expires <= Date.now()) bucket.delete(id);
    else bucket.set(id, c);
  }

  /**
   * One request, never following redirects: sends this browser's cookies (unless init.headers
   * already has a Cookie header) and records Set-Cookie. Body is left unread.
   */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const u = toUrl(url);
    const headers = new Headers(init.headers);
    // The CSRF header the API requires on writes (src/http/routes/api/index.ts), as the web app sends it.
    if (!['GET', 'HEAD', 'OPTIONS'].includes((init.method ?? 'GET').toUpperCase()) && !headers.has('x-secure-exchange-csrf')) {
      headers.set('x-secure-exchange-csrf', '1');
    }
    if (!headers.has('cookie')) {
      const cookie = this.cookieHeaderFor(u);
      if (cookie) headers.set('cookie', cookie);
    }
    const res = await globalThis.fetch(u, { ...init, headers, redirect: 'manual' });
    this.recordSetCookies(u, res);
    this.lastUrl = u.toString();
    return res;
  }

  /**
   * Request and follow redirects manually (cookies handled at every hop). 301/302 after POST and
   * 303 become GET without body; 307/308 repeat method and body. Returns the first non-redirect
   * response (body unread); `browser.lastUrl` is its URL.
   */
  async follow(url: string | URL, init: RequestInit = {}, maxRedirects = 20): Promise<Response> {
    let current = toUrl(url);
    let req: RequestInit = init;
    for (let hop = 0; ; hop++) {
      const res = await this.fetch(current, req);
      const location = res.headers.get('location');
      if (!REDIRECT_STATUSES.has(res.status) || !location) return res;
      if (hop >= maxRedirects) throw new Error(`too many redirects (last: ${current} -> ${location})`);
      await res.body?.cancel();
      const method = (req.method ?? 'GET').toUpperCase();
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        const headers = new Headers(req.headers);
        headers.delete('content-type');
        headers.delete('content-length');
        const { body: _body, ...rest } = req;
        req = { ...rest, method: 'GET', headers };
      }
      current = new URL(location, current);
    }
  }
}

export function createBrowser(): Browser {
  return new Browser();
}

// ---------------------------------------------------------------------------------------------
// HTML helpers

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '\u00a9',
};

/** Decode HTML character references (single pass, so "&amp;lt;" -> "&lt;"). */
export function decodeHtmlEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z][a-zA-Z0-9]*);/g, (m, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return NAMED_ENTITIES[ref.toLowerCase()] ?? m;
  });
}

// a tag's attribute text, tolerant of '>' inside quoted values and of newlines
const ATTRS = `((?:[^>"']|"[^"]*"|'[^']*')*)`;

function parseAttributes(attrText: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([^\s"'=<>\/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  for (let m; (m = re.exec(attrText)); ) {
    const name = (m[1] ?? '').toLowerCase();
    if (!name || name in out) continue;
    out[name] = decodeHtmlEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/** All <form>s of a page with their <input>s. `pageUrl` resolves relative actions ("?" etc.). */
export function parseForms(html: string, pageUrl: string | URL): HtmlForm[] {
  const forms: HtmlForm[] = [];
  const formRe = new RegExp(`<form\\b${ATTRS}>([\\s\\S]*?)</form\\s*>`, 'gi');
  for (let fm; (fm = formRe.exec(html)); ) {
    const fa = parseAttributes(fm[1] ?? '');
    const inner = (fm[2] ?? '').replace(/<!--[\s\S]*?-->/g, '');
    const inputs: HtmlInput[] = [];
    const fields: Record<string, string> = {};
    const inputRe = new RegExp(`<input\\b${ATTRS}>`, 'gi');
    for (let im; (im = inputRe.exec(inner)); ) {
      const a = parseAttributes((im[1] ?? '').replace(/\/\s*$/, ''));
      if (!a['name']) continue;
      const input = { name: a['name'], type: (a['type'] ?? 'text').toLowerCase(), value: a['value'] ?? '' };
      inputs.push(input);
      if (input.type !== 'submit' && input.type !== 'button' && input.type !== 'image') fields[input.name] = input.value;
    }
    forms.push({
      action: new URL(fa['action'] ?? '', pageUrl).toString(),
      method: (fa['method'] ?? 'get').toUpperCase(),
      fields,
      inputs,
    });
  }
  return forms;
}

function textSnippet(html: string, max = 600): string {
  return decodeHtmlEntities(
    html
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  ).slice(0, max);
}

// ---------------------------------------------------------------------------------------------
// SAML through SimpleSAMLphp

/** The IdP rejected the sign-in (e.g. wrong password) or answered something unexpected. */
export class IdpLoginError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly url: string,
    readonly html: string,
  ) {
    super(message);
    this.name = 'IdpLoginError';
  }
}

export interface CapturedSamlResponse {
  /** where the auto-submitting form would POST (the SP's ACS URL) */
  action: string;
  /** raw base64 SAMLResponse, exactly as the IdP put it in the form */
  samlResponse: string;
  relayState: string | undefined;
  /** decoded SAMLResponse XML (convenience) */
  xml: string;
}

function findSamlPostForm(html: string, pageUrl: string): HtmlForm | undefined {
  return parseForms(html, pageUrl).find((f) => f.method === 'POST' && 'SAMLResponse' in f.fields);
}

function findLoginForm(html: string, pageUrl: string): HtmlForm | undefined {
  return parseForms(html, pageUrl).find(
    (f) => 'AuthState' in f.fields && f.inputs.some((i) => i.type === 'password'),
  );
}

/** SimpleSAMLphp's message on a failed login, e.g. "Incorrect username or password". */
function loginErrorText(html: string): string | undefined {
  const m = /<h2>\s*Error\s*<\/h2>([\s\S]*?)<\/p>/i.exec(html);
  return m ? textSnippet(m[1] ?? '', 200) : undefined;
}

/**
 * Walk from `startUrl` (an SP URL that redirects to the IdP's SSO with a SAMLRequest, or the IdP's
 * own SSO URL for an IdP-initiated login) through the SimpleSAMLphp login form, and return the
 * SAMLResponse/RelayState of the IdP's auto-submitting form WITHOUT posting them.
 * If the browser already has an IdP session the login form is skipped, as in a real browser.
 * Throws IdpLoginError if the credentials are rejected or the IdP shows something else.
 */
export async function captureSamlResponse(
  browser: Browser,
  startUrl: string,
  username: string,
  password: string,
): Promise<CapturedSamlResponse> {
  let res = await browser.follow(startUrl);
  let pageUrl = res.url || browser.lastUrl || startUrl;
  let html = await res.text();
  let form = findSamlPostForm(html, pageUrl);

  if (!form) {
    const login = findLoginForm(html, pageUrl);
    if (!login) {
      throw new IdpLoginError(
        `expected the SimpleSAMLphp login form after following ${startUrl}, got HTTP ${res.status} at ${pageUrl}: ${textSnippet(html)}`,
        res.status,
        pageUrl,
        html,
      );
    }
    const body = new URLSearchParams({ ...login.fields, username, password });
    res = await browser.follow(login.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    pageUrl = res.url || browser.lastUrl || login.action;
    html = await res.text();
    form = findSamlPostForm(html, pageUrl);
    if (!form) {
      const again = findLoginForm(html, pageUrl);
      const why = again ? (loginErrorText(html) ?? 'login form shown again') : textSnippet(html);
      throw new IdpLoginError(
        `IdP did not sign in ${JSON.stringify(username)} (HTTP ${res.status} at ${pageUrl}): ${why}`,
        res.status,
        pageUrl,
        html,
      );
    }
  }

  const samlResponse = form.fields['SAMLResponse'] ?? '';
  return {
    action: form.action,
    samlResponse,
    relayState: form.fields['RelayState'],
    xml: Buffer.from(samlResponse, 'base64').toString('utf8'),
  };
}

/**
 * POST a (possibly tampered) SAMLResponse to the ACS like the auto-submitting form does, and
 * return the SP's response WITHOUT following its redirect. Pass relayState: null to omit it.
 */
export async function postSamlResponse(
  browser: Browser,
  captured: Pick<CapturedSamlResponse, 'action' | 'samlResponse' | 'relayState'>,
  overrides: { action?: string; samlResponse?: string; relayState?: string | null } = {},
): Promise<Response> {
  const body = new URLSearchParams();
  body.set('SAMLResponse', overrides.samlResponse ?? captured.samlResponse);
  const relayState = overrides.relayState === null ? undefined : (overrides.relayState ?? captured.relayState);
  if (relayState !== undefined) body.set('RelayState', relayState);
  return browser.fetch(overrides.action ?? captured.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

/**
 * Full SP-initiated sign-in: GET startUrl (SP -> 302 to the IdP SSO with a SAMLRequest), log in
 * at SimpleSAMLphp, POST the SAMLResponse (+RelayState) to the ACS, and return the ACS response
 * unfollowed (inspect status, Set-Cookie, Location).
 */
export async function loginThroughIdp(
  browser: Browser,
  startUrl: string,
  username: string,
  password: string,
): Promise<Response> {
  return postSamlResponse(browser, await captureSamlResponse(browser, startUrl, username, password));
}

/** SimpleSAMLphp's IdP-initiated URL: SSOService.php?spentityid=...[&RelayState=...]. */
export function idpInitiatedUrl(ssoUrl: string, spEntityId: string, relayState?: string): string {
  const u = new URL(ssoUrl);
  u.searchParams.set('spentityid', spEntityId);
  if (relayState !== undefined) u.searchParams.set('RelayState', relayState);
  return u.toString();
}

/** IdP-initiated sign-in (like an Entra "My Apps" tile); returns the ACS response unfollowed. */
export async function idpInitiated(
  browser: Browser,
  ssoUrl: string,
  spEntityId: string,
  username: string,
  password: string,
  opts: { relayState?: string } = {},
): Promise<Response> {
  return loginThroughIdp(browser, idpInitiatedUrl(ssoUrl, spEntityId, opts.relayState), username, password);
}
