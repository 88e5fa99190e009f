/** take_message: leave the person's message (and how to reach them) in the outbox, and email it if asked. */
import { z } from 'zod';
import type { SkillKind } from '../kind.ts';
import { emailAddress, emailAddressSchema, plainTextBody, sendEmail } from './email.ts';

export const takeMessage: SkillKind = {
  skillType: 'take_message',
  config: z.object({
    recipient: z.string().max(200).optional(),
    /** Also email each message to this address. */
    emailTo: emailAddressSchema.optional(),
  }),
  defaultParameters: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The caller\'s name' },
      phone: { type: 'string', description: 'A callback phone number' },
      message: { type: 'string', description: 'The message to pass on' },
    },
    required: ['phone'],
  },
  async execute({ skill, input, conversation, lastUtterance }, environment) {
    const body = typeof input.message === 'string' && input.message ? input.message : lastUtterance;
    const from = [input.name, input.phone, input.email].filter((value) => typeof value === 'string' && value).join(', ');
    const settings = skill.executionConfig as { recipient?: string; emailTo?: string };
    const origin = { orgId: conversation.orgId, agentId: conversation.agentId, conversationId: conversation.id, skillId: skill.id };
    const subject = `Message${from ? ` from ${from}` : ''}`;
    const id = environment.skills.leaveMessage({ ...origin, kind: 'message', recipient: settings.recipient ?? null, subject, body, data: input });
    // The message is kept whatever happens to the email, so a failed delivery loses nothing: still ok.
    const emailed = settings.emailTo
      ? await sendEmail(environment, { to: settings.emailTo, subject, text: plainTextBody({ ...input, message: body }, conversation.id), replyTo: emailAddress(input.email), origin })
      : undefined;
    return { ok: true, output: { messageId: id, ...(emailed && { emailId: emailed.id }), message: "Thanks, I've taken your message. Someone will get back to you soon." } };
  },
};
