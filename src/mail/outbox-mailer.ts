// Without SMTP_URL each mail is written, fully formed, as an .eml file (mode 0600: it holds sign-in
// links and codes) to DATA_DIR/outbox, where the operator (or a developer) opens it with any mail reader.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { MailError, type Mailer, type MailMessage, type SentMail } from './mailer.js';

export class OutboxMailer implements Mailer {
  readonly mode = 'outbox' as const;
  private readonly builder: Transporter;

  constructor(private readonly dir: string, private readonly from: string) {
    this.builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  async send(m: MailMessage): Promise<SentMail> {
    try {
      const info = await this.builder.sendMail({ from: this.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(this.dir, `${stamp}-${m.kind.replace(/\W/g, '')}-${crypto.randomBytes(4).toString('hex')}.eml`);
      // 'wx': never overwrite; written whole before the use case goes on.
      await fs.writeFile(file, info.message as Buffer, { mode: 0o600, flag: 'wx' });
      return { outboxFile: file };
    } catch (err) {
      throw new MailError(`Writing the mail to the outbox failed: ${(err as Error).message}`);
    }
  }
}
