// Email over SMTP with nodemailer: one pooled transport per channel spec, From/Reply-To from the
// corporation, and a Message-ID derived from our message id so a resend after a crash is recognisable.
import nodemailer, { type Transporter } from 'nodemailer';
import { createError } from '../../core/errors/index.js';
import type { ChannelAdapter, OutgoingMessage, SendResult } from './channel-adapter.js';

export interface SmtpChannelOptions {
  /** Development and tests: send to this relay instead of the channel's. */
  redirect?: { host: string; port: number };
  /** Username/password from the channel's credentials Secret, when it has one. */
  credentials?: (namespace: string, secret: string) => { username?: string; password?: string } | undefined;
}

export class SmtpChannel implements ChannelAdapter {
  private readonly transports = new Map<string, Transporter>();

  constructor(private readonly options: SmtpChannelOptions = {}) {}

  private transportFor(message: OutgoingMessage): Transporter {
    const spec = message.channel.spec;
    const smtp = spec.smtp;
    if (!smtp)
      throw createError('OST_ERR_CONFIG', [
        `channel ${message.channel.name} has no smtp block`,
        'fix the Channel',
      ]);
    const target = this.options.redirect ?? { host: smtp.host, port: smtp.port ?? 587 };
    const creds = spec.credentialsSecretRef
      ? this.options.credentials?.(message.channel.source.namespace, spec.credentialsSecretRef.name)
      : undefined;
    const key = JSON.stringify([target, smtp.secure, smtp.maxConnections, creds?.username]);
    let transport = this.transports.get(key);
    if (!transport) {
      transport = nodemailer.createTransport({
        pool: true,
        host: target.host,
        port: target.port,
        secure: this.options.redirect ? false : (smtp.secure ?? false),
        maxConnections: smtp.maxConnections ?? 5,
        ...(creds?.username ? { auth: { user: creds.username, pass: creds.password ?? '' } } : {}),
        ...(this.options.redirect ? { ignoreTLS: true } : {}),
      });
      this.transports.set(key, transport);
    }
    return transport;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const c = message.bundle.corporation;
    const content = message.content;
    const messageId = `<${message.id}@${c.sender.email.split('@')[1] ?? 'outputstraat.invalid'}>`;
    try {
      const info = await this.transportFor(message).sendMail({
        from: { name: c.sender.name, address: c.sender.email },
        to: message.recipient,
        ...(c.replyTo ? { replyTo: c.replyTo } : {}),
        subject: content.subject ?? '',
        ...(content.text !== undefined ? { text: content.text } : {}),
        ...(content.html !== undefined ? { html: content.html } : {}),
        messageId,
        headers: { 'X-Outputstraat-Message-Id': message.id, 'X-Outputstraat-Corporation': c.id },
      });
      return { providerId: info.messageId ?? messageId };
    } catch (cause) {
      throw createError(
        'OST_ERR_CHANNEL_SEND',
        [message.channel.name, 'smtp', (cause as Error).message, 'check the relay; the step is retried'],
        { cause },
      );
    }
  }

  async close(): Promise<void> {
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
  }
}
