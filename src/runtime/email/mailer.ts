/**
 * Sending email. Every email is a row of the outbox (kind `email`), so there is one history; with
 * FLOWYTE_SMTP_URL set it is also handed to that SMTP server, and the row says how that went.
 */
import type { Transporter } from 'nodemailer';
import type { Config } from '../../config.ts';
import type { OutboxMessage, SkillStore } from '../../store/skills.ts';

/** Whom an email is filed under in the outbox: the org, agent, conversation and skill that sent it. */
export type EmailOrigin = Pick<OutboxMessage, 'orgId' | 'agentId' | 'conversationId' | 'skillId'>;

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  replyTo?: string;
  origin: EmailOrigin;
}

export interface SentEmail {
  /** Accepted by an SMTP server (false: kept in the stored outbox only). */
  delivered: boolean;
  /** The outbox row that records the email. */
  id: string;
  /** Why SMTP delivery failed, when it was tried and did. */
  error?: string;
}

export interface Mailer {
  send(message: EmailMessage): Promise<SentEmail>;
}

// Bounded so that a mail server that never answers fails the skill within the turn, not minutes later.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

function record(outbox: SkillStore, message: EmailMessage, data: Record<string, unknown>): string {
  return outbox.leaveMessage({
    ...message.origin,
    kind: 'email',
    recipient: message.to,
    subject: message.subject,
    body: message.text,
    data: { ...data, ...(message.replyTo ? { replyTo: message.replyTo } : {}) },
  });
}

/** The default: every email is kept in the stored outbox, where the operator reads it. */
export function storedOutboxMailer(outbox: SkillStore): Mailer {
  return {
    async send(message) {
      return { delivered: false, id: record(outbox, message, { delivery: 'stored' }) };
    },
  };
}

/** Delivery through the SMTP server at `url` (`smtp://` or `smtps://`, credentials in it), recorded in the outbox either way. */
export function smtpMailer(url: string, from: string, outbox: SkillStore): Mailer {
  // nodemailer loads with the first email, not with every server start.
  let transport: Promise<Transporter> | undefined;
  const connect = async () => (await import('nodemailer')).createTransport({ url, ...SMTP_TIMEOUTS }, { from });
  return {
    async send(message) {
      try {
        transport ??= connect();
        const info = await (await transport).sendMail({ to: message.to, subject: message.subject, text: message.text, replyTo: message.replyTo });
        return { delivered: true, id: record(outbox, message, { delivery: 'smtp', messageId: info.messageId }) };
      } catch (error) {
        // The skill's boundary: the email stays in the outbox, marked failed, and the caller says so.
        const reason = error instanceof Error ? error.message : String(error);
        return { delivered: false, id: record(outbox, message, { delivery: 'failed', error: reason }), error: reason };
      }
    },
  };
}

/** The mailer the configuration asks for: SMTP when a server is set, else the stored outbox. */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'emailFrom'>, outbox: SkillStore): Mailer {
  return config.smtpUrl ? smtpMailer(config.smtpUrl, config.emailFrom, outbox) : storedOutboxMailer(outbox);
}
