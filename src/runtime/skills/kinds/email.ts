/** email: send what the person said to a fixed address (the stored outbox by default, SMTP by configuration). */
import { z } from 'zod';
import { storedOutboxMailer, type EmailMessage, type SentEmail } from '../../email/mailer.ts';
import type { SkillEnvironment, SkillKind } from '../kind.ts';

/** An email address as settings take it. */
export const emailAddressSchema = z.email().max(254);
const SUBJECT_CHARS = 200;

/** Send through the platform's mailer (the stored outbox when the environment has none). */
export function sendEmail(environment: SkillEnvironment, message: EmailMessage): Promise<SentEmail> {
  return (environment.mailer ?? storedOutboxMailer(environment.skills)).send(message);
}

/** A collected value as an email address, if it is one (a Reply-To must be). */
export function emailAddress(value: unknown): string | undefined {
  return emailAddressSchema.safeParse(value).data;
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** The collected fields, one per line, then the conversation they came from. */
export function plainTextBody(fields: Record<string, unknown>, conversationId: string): string {
  const lines = Object.entries(fields)
    .filter(([, value]) => text(value) !== '')
    .map(([name, value]) => `${name.charAt(0).toUpperCase()}${name.slice(1).replace(/_/g, ' ')}: ${text(value)}`);
  return `${lines.join('\n')}\n\nConversation: ${conversationId}\n`;
}

/** Fill `{name}` placeholders from the collected fields, on one line (caller text never adds a header line). */
export function fillSubject(template: string, fields: Record<string, unknown>): string {
  const filled = template.replace(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g, (_placeholder, name: string) => text(fields[name]));
  return filled.replace(/\s+/g, ' ').trim().slice(0, SUBJECT_CHARS);
}

export const email: SkillKind = {
  skillType: 'email',
  config: z.object({
    to: emailAddressSchema,
    subject: z.string().min(1).max(SUBJECT_CHARS),
    /** The parameter holding the person's own address, used as Reply-To. */
    replyToField: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a parameter name').max(64).optional(),
  }),
  defaultParameters: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The person\'s name' },
      phone: { type: 'string', description: 'A callback phone number' },
      email: { type: 'string', description: 'The person\'s email address, for a reply' },
      message: { type: 'string', description: 'What to tell the recipient' },
    },
    required: ['message'],
  },
  async execute({ skill, input, conversation }, environment) {
    const settings = skill.executionConfig as { to: string; subject: string; replyToField?: string };
    const sent = await sendEmail(environment, {
      to: settings.to,
      subject: fillSubject(settings.subject, input),
      text: plainTextBody(input, conversation.id),
      replyTo: settings.replyToField ? emailAddress(input[settings.replyToField]) : undefined,
      origin: { orgId: conversation.orgId, agentId: conversation.agentId, conversationId: conversation.id, skillId: skill.id },
    });
    if (sent.error) {
      return {
        ok: false,
        output: { error: 'the email could not be sent', messageId: sent.id, message: "I couldn't send that email just now, but I've kept your message so someone will get back to you." },
      };
    }
    return { ok: true, output: { messageId: sent.id, message: "Thanks, I've passed your message on. Someone will get back to you soon." } };
  },
};
