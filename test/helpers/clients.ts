// Clients for API tests: a real SMTP peer (smtp-server on a free loopback port) that keeps every mail,
// a small MIME reader for what nodemailer sends, and signInClient(), which walks the whole client path
// (invitation by an advisor → mail → link → code mail → sign-in) and returns the client's Browser.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Browser, type Firm } from './people.js';

export interface Mail { to: string[]; from: string; subject: string; text: string; html: string; raw: string; headers: Record<string, string> }

export interface Smtp {
  /** SMTP_URL for the server under test. */
  url: string;
  messages: Mail[];
  /** The next mail to `to` not yet taken by an earlier waitFor (waits up to 10 s). */
  waitFor(to: string, timeoutMs?: number): Promise<Mail>;
  /** While set, the peer refuses every mail with a 550 (to test "mail failed → nothing created"). */
  refuse: boolean;
  stop(): Promise<void>;
}

export async function startSmtp(): Promise<Smtp> {
  const messages: Mail[] = [];
  const taken = new Set<Mail>();
  const waiters: (() => void)[] = [];
  const state = { refuse: false };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false, disableReverseLookup: true,
    onRcptTo(_addr, _session, cb) {
      if (state.refuse) return cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = parseMail(Buffer.concat(chunks).toString('utf8'));
        mail.to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        messages.push(mail);
        waiters.splice(0).forEach((w) => w());
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  const smtp: Smtp = {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get refuse() { return state.refuse; },
    set refuse(v: boolean) { state.refuse = v; },
    async waitFor(to, timeoutMs = 10_000) {
      const want = to.toLowerCase();
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = messages.find((x) => !taken.has(x) && x.to.includes(want));
        if (m) { taken.add(m); return m; }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no mail to ${to} within ${timeoutMs} ms (${messages.length} mails so far)`);
        await new Promise<void>((r) => { const t = setTimeout(r, left); waiters.push(() => { clearTimeout(t); r(); }); });
      }
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
  return smtp;
}

// --- a small MIME reader: headers (RFC 2047 words), multipart bodies, quoted-printable and base64 ---

function decodeWords(v: string): string {
  return v.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=(\s+(?==\?))?/g, (_m, _cs: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
}

function splitHead(raw: string): { headers: Record<string, string>; body: string } {
  const i = raw.search(/\r?\n\r?\n/);
  const head = i < 0 ? raw : raw.slice(0, i);
  const body = i < 0 ? '' : raw.slice(i).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = decodeWords(line.slice(c + 1).trim());
  }
  return { headers, body };
}

function decodeBody(body: string, encoding = ''): string {
  const e = encoding.toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

function parts(raw: string): { type: string; content: string }[] {
  const { headers, body } = splitHead(raw);
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    return body.split(`--${boundary}`).slice(1).filter((p) => !p.startsWith('--')).flatMap((p) => parts(p.replace(/^\r?\n/, '')));
  }
  return [{ type: type.split(';')[0]!.trim().toLowerCase(), content: decodeBody(body, headers['content-transfer-encoding']) }];
}

export function parseMail(raw: string): Mail {
  const { headers } = splitHead(raw);
  const all = parts(raw);
  return {
    to: (headers.to ?? '').split(',').map((s) => s.trim().toLowerCase()), from: headers.from ?? '', subject: headers.subject ?? '',
    text: all.find((p) => p.type === 'text/plain')?.content ?? '', html: all.find((p) => p.type === 'text/html')?.content ?? '', raw, headers,
  };
}

export const linkToken = (m: Mail): string => {
  const t = /\/invite\/([A-Za-z0-9_-]{43})/.exec(m.text)?.[1];
  assert.ok(t, `an invitation link in: ${m.text}`);
  return t;
};

export const mailedCode = (m: Mail): string => {
  const c = /^\s*(\d{6})\s*$/m.exec(m.text)?.[1];
  assert.ok(c, `a 6-digit code in: ${m.text}`);
  return c;
};

/**
 * The whole client path: `advisor` invites `email` to the exchange, the link from the mail is accepted,
 * and the code from the second mail signs the client in. Returns the client's Browser (cookie sx_client).
 */
export async function signInClient(f: Firm, advisor: Browser, exchangeId: string, email: string, smtp: Smtp, opts: { displayName?: string } = {}): Promise<Browser> {
  const inv = await advisor.api('POST', `/exchanges/${exchangeId}/invitations`, { email, ...(opts.displayName ? { displayName: opts.displayName } : {}) });
  assert.equal(inv.status, 201, inv.text);
  const token = linkToken(await smtp.waitFor(email));
  const client = new Browser(f.server);
  const accepted = await client.api('POST', '/client/invitations/accept', { token });
  assert.equal(accepted.status, 200, accepted.text);
  const code = mailedCode(await smtp.waitFor(email));
  const login = await client.api('POST', '/client/login', { tenantId: accepted.body.tenantId, email, code });
  assert.equal(login.status, 200, login.text);
  assert.ok(client.cookies.has('sx_client'), 'a client session cookie after sign-in');
  return client;
}
