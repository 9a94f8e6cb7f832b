// Email over SMTP with nodemailer: a pool of connections per relay (smtp-relay-pool.ts), From/Reply-To from the corporation, a
// Message-ID derived from our message id, DKIM when the channel asks for it, and open and click tracking.
// The message is built once into its exact bytes (DKIM-signed; mime-bytes.ts), archived, and those bytes are what the
// relay gets — also on a resend after a crash, so the archive always equals what was delivered.
// Every hand-over has deadlines (connect, greeting, silence, and the whole send) well under the dispatch
// lease; at the deadline, or when the dispatcher aborts, the connection is destroyed before the send
// rejects, so a retry never overlaps the attempt before it. TLS is required unless the relay is loopback
// or the Channel says `tls: none` (smtp-security.ts).
import { randomUUID } from 'node:crypto';
import type { CommonQueryMethods } from 'slonik';
import { createError, isOutputstraatError } from '../../core/errors/index.js';
import type { Database } from '../../platform/db/index.js';
import {
  type ArchivedPart,
  archiveMessages,
  archiveParts,
  emailView,
  type MessageParts,
  readPart,
} from '../archive/index.js';
import { requireChannelSecret, type SecretLookup } from '../bundles/index.js';
import { type LinkTokens, linkUrl, sealOfLinks } from '../dossiers/index.js';
import { replyAddressOf, storeReplyToken, storeReplyTokens } from '../replies/index.js';
import { trackHtml } from '../tracking/index.js';
import type {
  ChannelAdapter,
  GroupedMessage,
  OutgoingMessage,
  SendOptions,
  SendResult,
} from './channel-adapter.js';
import { type ProviderTimeouts, TIMEOUT_DEFAULTS } from './channel-settings.js';
import { messageFacts } from './message-facts.js';
import { mimeBytes } from './mime-bytes.js';
import { smtpFailure } from './smtp-failure.js';
import type { SmtpRelayOptions } from './smtp-relay-pool.js';
import { SmtpRelayThread } from './smtp-relay-thread.js';
import { type SmtpSecurity, smtpSecurity } from './smtp-security.js';

const HTML_TYPE = 'text/html; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

export interface SmtpChannelOptions {
  /** Development and tests: send to this relay instead of the channel's. */
  redirect?: { host: string; port: number } | undefined;
  /** Channel Secrets (username, password, dkimPrivateKey). */
  secrets?: SecretLookup;
  /** Archive and message facts; without it mails are neither archived nor tracked. */
  db?: Database;
  /** Seals link tokens in the archive. */
  links: LinkTokens;
  publicUrl?: string;
  /** OST_REPLY_DOMAIN: mails to debtors carry Reply-To reply+<token>@<domain> (docs/channels.md, "Replies"). */
  replyDomain?: string | undefined;
  /** Open and click tracking; off without a secret. */
  tracking?: { secret: string; ttlDays: number } | undefined;
  /** Connection, greeting, socket and whole-send deadlines (TIMEOUT_DEFAULTS when not given). */
  timeouts?: ProviderTimeouts;
}

const DAY_MS = 86_400_000;
/** What nodemailer puts first in a message it signed. */
const DKIM_FIELD = Buffer.from('DKIM-Signature:');

export function emailMessageId(message: OutgoingMessage): string {
  const domain = message.bundle.corporation.sender.email.split('@')[1] ?? 'outputstraat.invalid';
  return `<${message.id}@${domain}>`;
}

export class SmtpChannel implements ChannelAdapter {
  private readonly relays = new SmtpRelayThread();

  constructor(private readonly options: SmtpChannelOptions) {}

  private smtpOf(message: OutgoingMessage) {
    const smtp = message.channel.spec.smtp;
    if (!smtp)
      throw createError('OST_ERR_CONFIG', [
        `channel ${message.channel.name} has no smtp block`,
        'fix the Channel',
      ]);
    return smtp;
  }

  private get timeouts(): ProviderTimeouts {
    return this.options.timeouts ?? TIMEOUT_DEFAULTS;
  }

  /** The relay a message goes to: its key (one pool of connections each) and connection settings. */
  private relayFor(message: OutgoingMessage): {
    key: string;
    relay: SmtpRelayOptions;
    security: SmtpSecurity;
  } {
    const smtp = this.smtpOf(message);
    const target = this.options.redirect ?? { host: smtp.host, port: smtp.port ?? 587 };
    const security = smtpSecurity(smtp, this.options.redirect !== undefined);
    const ref = message.channel.spec.credentialsSecretRef?.name;
    const ns = message.channel.source.namespace;
    const username = ref ? this.options.secrets?.(ns, ref, 'username') : undefined;
    const password = ref ? this.options.secrets?.(ns, ref, 'password') : undefined;
    const t = this.timeouts;
    return {
      key: JSON.stringify([target, security, smtp.maxConnections, username]),
      relay: {
        host: target.host,
        port: target.port,
        secure: security.secure,
        requireTLS: security.requireTLS,
        ignoreTLS: security.ignoreTLS,
        maxConnections: smtp.maxConnections ?? 5,
        connectionTimeout: t.smtpConnectionMs,
        greetingTimeout: t.smtpGreetingMs,
        socketTimeout: t.smtpSocketMs,
        ...(username ? { auth: { user: username, pass: password ?? '' } } : {}),
      },
      security,
    };
  }

  /** The HTML as sent: with tracking for messages to debtors when a tracking secret is configured. */
  private htmlFor(message: OutgoingMessage, toDebtor: boolean): string | undefined {
    const html = message.content.html;
    const tracking = this.options.tracking;
    if (html === undefined || !tracking || !toDebtor) return html;
    return trackHtml(html, {
      messageId: message.id,
      secret: tracking.secret,
      baseUrl: linkUrl(message.bundle, this.options.publicUrl ?? '', ''),
      expiresAt: new Date(Date.now() + tracking.ttlDays * DAY_MS),
    });
  }

  /**
   * Reply-To: the message's own reply address for a message to a debtor when a reply domain is set (its
   * token's hash stored first, so a reply can never arrive before it matches), else the corporation's.
   */
  private replyToFor(message: OutgoingMessage, toDebtor: boolean): string | undefined {
    const { replyDomain, db } = this.options;
    if (!replyDomain || !db || !toDebtor) return message.bundle.corporation.replyTo;
    return replyAddressOf(this.options.links, message.id, replyDomain);
  }

  /**
   * The parts archived for an email: the exact bytes, and the HTML and text as rendered for reading — held
   * in those bytes and read out of them when both are there (archive/email-views.ts), else stored as well.
   */
  private partsOf(message: OutgoingMessage, raw: Buffer, html: string | undefined): ArchivedPart[] {
    const text = message.content.text;
    const eml = { part: 'eml' as const, contentType: 'message/rfc822', body: raw };
    // Both there, so the message is multipart/alternative: a lone body part gets a line break added at its
    // end, so it is stored as itself.
    if (html && text)
      return [{ ...eml, views: [emailView('html', HTML_TYPE, html), emailView('text', TEXT_TYPE, text)] }];
    return [
      eml,
      ...(html !== undefined
        ? [{ part: 'html' as const, contentType: HTML_TYPE, body: Buffer.from(html) }]
        : []),
      ...(text !== undefined
        ? [{ part: 'text' as const, contentType: TEXT_TYPE, body: Buffer.from(text) }]
        : []),
    ];
  }

  /**
   * Sends to debtors recorded together (a dispatcher's group, in its transaction `tx`): their exact bytes
   * are made and archived in one statement, with the reply tokens' hashes in one more, before the
   * transaction commits; `send` then hands those bytes over (message.raw).
   */
  async archiveGroup(
    tx: CommonQueryMethods,
    messages: readonly GroupedMessage[],
  ): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const archived: MessageParts[] = [];
    // Tracked and with a reply address of its own, as any message to a debtor (without a database, neither).
    const toDebtor = this.options.db !== undefined;
    for (const { message, seal } of messages) {
      const html = this.htmlFor(message, toDebtor);
      const raw = await this.build(message, html, message.recipient, this.replyToFor(message, toDebtor));
      out.set(message.id, raw);
      archived.push({
        corporation: message.bundle.corporation.id,
        messageId: message.id,
        parts: this.partsOf(message, raw, html),
        seal,
      });
    }
    if (this.options.replyDomain && this.options.db)
      await storeReplyTokens(tx, this.options.links, [...out.keys()]);
    await archiveMessages(tx, archived);
    return out;
  }

  /** The exact RFC 5322 bytes (CRLF line ends, DKIM-signed when configured). */
  private async build(
    message: OutgoingMessage,
    html: string | undefined,
    to: string,
    replyTo: string | undefined,
  ): Promise<Buffer> {
    const c = message.bundle.corporation;
    const smtp = this.smtpOf(message);
    const dkim = smtp.dkim
      ? {
          domainName: smtp.dkim.domainName,
          keySelector: smtp.dkim.keySelector,
          privateKey: requireChannelSecret(
            this.options.secrets ?? (() => undefined),
            message.channel,
            'dkimPrivateKey',
          ),
        }
      : undefined;
    const content = message.content;
    const raw = await mimeBytes(
      {
        from: { name: c.sender.name, address: c.sender.email },
        to,
        ...(replyTo ? { replyTo } : {}),
        subject: content.subject ?? '',
        ...(content.text !== undefined ? { text: content.text } : {}),
        ...(html !== undefined ? { html } : {}),
        messageId: emailMessageId(message),
        // The boundary's random part, drawn once for the message from the buffered UUID source: left to
        // nodemailer, every MIME node read the system's random generator for one (2 % of the pod's thread).
        baseBoundary: randomUUID().replaceAll('-', ''),
        headers: { 'X-Outputstraat-Message-Id': message.id, 'X-Outputstraat-Corporation': c.id },
      },
      dkim,
    );
    // nodemailer sends unsigned, saying nothing, when it cannot sign with the key: refuse that instead.
    if (dkim && !raw.subarray(0, DKIM_FIELD.length).equals(DKIM_FIELD)) {
      throw createError('OST_ERR_CHANNEL_DKIM_KEY', [
        `Channel ${message.channel.source.namespace}/${message.channel.name}`,
        message.channel.spec.credentialsSecretRef?.name ?? '(no credentialsSecretRef)',
        `${dkim.keySelector}._domainkey.${dkim.domainName}`,
      ]);
    }
    return raw;
  }

  async send(message: OutgoingMessage, options: SendOptions = {}): Promise<SendResult> {
    const c = message.bundle.corporation;
    const db = this.options.db;
    let security: SmtpSecurity | undefined;
    let deadline: AbortSignal | undefined;
    try {
      // A message recorded in this attempt has nothing archived yet; a resend sends what the archive holds.
      let raw =
        message.raw !== undefined
          ? Buffer.from(message.raw)
          : db && !message.firstSend
            ? (await readPart(db, this.options.links, message.id, 'eml'))?.body
            : undefined;
      if (!raw) {
        // Recorded without its bodies (record-message.ts, withoutArchivedBodies): only the archive has them.
        if (!message.firstSend && message.content.html === undefined && message.content.text === undefined)
          throw createError('OST_ERR_ARCHIVE_PART_MISSING', [message.id, 'eml']);
        const facts = db ? await messageFacts(db, message.id) : undefined;
        // A message to a debtor is tracked and gets its own reply address; an alert to staff neither.
        const toDebtor = facts !== undefined && facts.stepKind !== 'alert';
        const html = this.htmlFor(message, toDebtor);
        // An alert goes to several consultants as one message: every copy names them all.
        const replyTo = this.replyToFor(message, toDebtor);
        if (db && toDebtor && this.options.replyDomain)
          await storeReplyToken(db, this.options.links, message.id);
        raw = await this.build(message, html, facts?.recipients ?? message.recipient, replyTo);
        if (db) {
          const seal = facts ? sealOfLinks(this.options.links, facts.derivedLinks) : undefined;
          const stored = await archiveParts(
            db,
            this.options.links,
            c.id,
            message.id,
            this.partsOf(message, raw, html),
            seal,
          );
          // Another replica may have archived first: then send what the archive holds.
          if (!stored.has('eml'))
            raw = (await readPart(db, this.options.links, message.id, 'eml'))?.body ?? raw;
        }
      }
      const relay = this.relayFor(message);
      security = relay.security;
      deadline = AbortSignal.timeout(this.timeouts.sendMs);
      const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
      await this.relays.send(
        relay.key,
        relay.relay,
        { from: c.sender.email, to: [message.recipient] },
        raw,
        signal,
      );
      return { providerId: emailMessageId(message) };
    } catch (cause) {
      if (isOutputstraatError(cause)) throw cause;
      throw smtpFailure(message.channel.name, cause, {
        security,
        deadlineMs: deadline?.aborted ? this.timeouts.sendMs : undefined,
        abortedBy: options.signal?.aborted ? (options.signal.reason as Error) : undefined,
      });
    }
  }

  async close(): Promise<void> {
    await this.relays.close();
  }
}
