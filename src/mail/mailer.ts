// One way to send mail, two transports: SMTP (SMTP_URL) or, without it, .eml files in the data folder's
// outbox so the embedded start works alone (DESIGN.md, "Interfaces"). Use cases get the mailer from
// mailerOf(ctx) and never know which transport they use.
import type { Ctx } from '../domain/context.js';
import { OutboxMailer } from './outbox-mailer.js';
import { SmtpMailer } from './smtp-mailer.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What kind of mail this is (for the log and the outbox file name), e.g. "invitation", "code". */
  kind: string;
}

export interface SentMail {
  /** Outbox mode: the .eml file the mail was written to. */
  outboxFile?: string;
}

export interface Mailer {
  readonly mode: 'smtp' | 'outbox';
  /** Resolves once the relay accepted the mail (or the file is written); rejects with MailError. */
  send(message: MailMessage): Promise<SentMail>;
}

/** The relay refused or could not be reached; nothing was delivered. */
export class MailError extends Error {}

const mailers = new WeakMap<Ctx['config'], Mailer>();

/** The process's mailer for this configuration (one SMTP transport, created on first use). */
export function mailerOf(ctx: Ctx): Mailer {
  let m = mailers.get(ctx.config);
  if (!m) {
    m = ctx.config.smtpUrl ? new SmtpMailer(ctx.config.smtpUrl, ctx.config.mailFrom) : new OutboxMailer(ctx.config.outboxDir, ctx.config.mailFrom);
    mailers.set(ctx.config, m);
  }
  return m;
}
