/** take_message: leave the person's message (and how to reach them) in the outbox. */
import { z } from 'zod';
import type { SkillKind } from '../kind.ts';

export const takeMessage: SkillKind = {
  skillType: 'take_message',
  config: z.object({
    recipient: z.string().max(200).optional(),
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
    const id = environment.skills.leaveMessage({
      orgId: conversation.orgId,
      agentId: conversation.agentId,
      conversationId: conversation.id,
      skillId: skill.id,
      kind: 'message',
      recipient: (skill.executionConfig.recipient as string | undefined) ?? null,
      subject: `Message${from ? ` from ${from}` : ''}`,
      body,
      data: input,
    });
    return { ok: true, output: { messageId: id, message: "Thanks, I've taken your message. Someone will get back to you soon." } };
  },
};
