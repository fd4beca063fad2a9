// SMTP through nodemailer. smtp:// upgrades with STARTTLS when the relay offers it; smtps:// is TLS from
// the start; nodemailer reads further options (e.g. ?requireTLS=true) from the URL's query.
import nodemailer, { type Transporter } from 'nodemailer';
import { MailError, type Mailer, type MailMessage, type SentMail } from './mailer.js';

export class SmtpMailer implements Mailer {
  readonly mode = 'smtp' as const;
  private readonly transport: Transporter;

  constructor(url: string, private readonly from: string) {
    // Short timeouts: an invitation waits for the relay, and an unreachable relay must answer in seconds.
    this.transport = nodemailer.createTransport(url, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as never);
  }

  async send(m: MailMessage): Promise<SentMail> {
    try {
      await this.transport.sendMail({ from: this.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
      return {};
    } catch (err) {
      // nodemailer's message may quote the relay's answer; it never holds the URL's password.
      throw new MailError(`SMTP delivery failed: ${(err as Error).message}`);
    }
  }
}
