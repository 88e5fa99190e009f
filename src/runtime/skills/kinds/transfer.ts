/** transfer: hand the conversation to a person, at a configured number or one a lookup found. */
import { z } from 'zod';
import { normalizeDestination, type SkillKind } from '../kind.ts';

export const transfer: SkillKind = {
  skillType: 'transfer',
  config: z.object({
    destination: z.string().max(200).optional(),
    warm: z.boolean().optional(),
  }),
  normalize(config) {
    return typeof config.destination === 'string' ? { ...config, destination: normalizeDestination(config.destination, 'executionConfig.destination') } : config;
  },
  async execute({ skill, input, config, lastUtterance }) {
    const settings = skill.executionConfig as { destination?: string; warm?: boolean };
    // A configured destination always wins: text the model read (a page, a webhook reply) cannot
    // redirect the call. Only a skill without one takes a dynamic destination from its input (a
    // lookup skill's output), checked like a configured one; failing both, the agent's default.
    const dynamic = settings.destination ? undefined : typeof input.destination === 'string' ? input.destination : undefined;
    const given = settings.destination ?? dynamic ?? config.agent.handoffConfig.transferDestination;
    if (!given) return { ok: false, output: { error: 'no destination', message: "I can't transfer you right now, but I can take a message." } };
    let destination: string;
    try {
      destination = normalizeDestination(given, 'destination');
    } catch {
      return { ok: false, output: { error: `not a phone number: ${given}`, message: "I can't transfer you right now, but I can take a message." } };
    }
    const warm = settings.warm ?? config.agent.handoffConfig.warm;
    const reason = typeof input.reason === 'string' && input.reason ? input.reason : lastUtterance;
    const summary = warm ? `Caller asked: "${reason.slice(0, 300)}"` : null;
    return { ok: true, output: { transferred: true, message: "I'm connecting you with a person now. Please hold." }, handoff: { destination, reason, warm, summary } };
  },
};
