/**
 * Handing off to a person by the agent's handoff config: a built-in `transfer_to_person` tool
 * whose destination is chosen by code, not by the model: the transfer-by-context rule whose
 * plain-language `when` best matches what the person said, else the default destination. It runs
 * as a transfer skill, so business hours and the receipt treat it like one.
 */
import { jsonSchema, tool, type Tool } from 'ai';
import type { CompiledSkill } from '../compile.ts';
import { contentStems, overlap, stemSet } from '../models/extract/text.ts';
import { callSkill, type SkillToolContext } from './skill-tools.ts';

export const HANDOFF_TOOL = 'transfer_to_person';
/** Shared words a rule needs with what was said to be chosen over the default. */
const MIN_RULE_OVERLAP = 1;

/** The rule (or default) destination for what the person said; null when there is none. */
export function handoffDestination(handoff: SkillToolContext['config']['agent']['handoffConfig'], said: string): { destination: string; rule: string | null } | null {
  const words = contentStems(said);
  let best: { destination: string; rule: string; score: number } | null = null;
  for (const rule of handoff.transferRules) {
    const score = overlap(words, stemSet(`${rule.label} ${rule.when}`));
    if (score >= MIN_RULE_OVERLAP && (!best || score > best.score)) best = { destination: rule.destination, rule: rule.label, score };
  }
  if (best) return { destination: best.destination, rule: best.rule };
  return handoff.transferDestination ? { destination: handoff.transferDestination, rule: null } : null;
}

/** The built-in handoff tool, when the agent has somewhere to hand off to. */
export function handoffTool(context: SkillToolContext, utterance: string): Tool | null {
  const handoff = context.config.agent.handoffConfig;
  if (!handoff.transferDestination && handoff.transferRules.length === 0) return null;
  const situations = handoff.transferRules.map((rule) => `${rule.label}: ${rule.when}`).join('; ');
  return tool({
    description: `Transfer the person to a human when they ask for a person or the situation needs one${situations ? ` (${situations})` : ''}.`,
    inputSchema: jsonSchema<{ reason?: string }>({
      type: 'object',
      properties: { reason: { type: 'string', description: 'Why the person needs a human, in a few words.' } },
    }),
    execute: async (input) => {
      if (!context.allowToolCall(HANDOFF_TOOL)) return { error: 'tool call limit reached for this turn' };
      const reason = input.reason ?? '';
      const target = handoffDestination(handoff, `${utterance} ${reason}`);
      if (!target) return { error: 'no destination', message: "I can't transfer you right now, but I can take a message." };
      context.record('guardrail', { rule: 'transfer_rule', action: 'matched', tool: HANDOFF_TOOL, matched: target.rule ?? 'default', destination: target.destination });
      const skill: CompiledSkill = {
        id: HANDOFF_TOOL,
        name: 'Transfer to a person',
        toolName: HANDOFF_TOOL,
        description: '',
        skillType: 'transfer',
        parametersSchema: { type: 'object', properties: { reason: { type: 'string' } } },
        executionConfig: { destination: target.destination },
        requiresConfirmation: false,
        stakes: 'low',
        requiresVerifiedIdentity: false,
        verificationLevel: 'basic',
        allowedFields: null,
      };
      return callSkill(context, skill, reason ? { reason } : {}, false);
    },
  });
}
