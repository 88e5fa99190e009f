/**
 * Caller verification as a tool the model can call: the caller's answers go to the operator's
 * verifier skill, and only "verified or not" comes back. Attempts are counted in the receipt;
 * too many failures lock verification for the rest of the conversation.
 */
import { jsonSchema, tool, type Tool } from 'ai';
import type { CompiledConfig } from '../compile.ts';
import { guardrailsOf } from '../compile.ts';
import type { SkillToolContext } from './skill-tools.ts';

export const VERIFY_TOOL = 'verify_identity';

/** Skills that only verify callers: never offered to the model directly (their replies may hold records). */
export function verifierIds(config: CompiledConfig): Set<string> {
  return new Set(guardrailsOf(config).callerVerification.flatMap((method) => (method.verifierSkillId ? [method.verifierSkillId] : [])));
}

/** The verify_identity tool for the agent's first verification method, or null without one. */
export function verifyIdentityTool(context: SkillToolContext): Tool | null {
  const method = guardrailsOf(context.config).callerVerification[0];
  if (!method) return null;
  const fields = method.requiredFields;
  const spoken = fields.map((field) => field.replace(/_/g, ' ')).join(' and ');
  return tool({
    description: `Verify the caller's identity with their ${spoken}, when they give them or when an action needs a verified caller.`,
    inputSchema: jsonSchema<Record<string, unknown>>({
      type: 'object',
      properties: Object.fromEntries(fields.map((field) => [field, { type: 'string', description: `The caller's ${field.replace(/_/g, ' ')}` }])),
      required: fields,
    }),
    execute: async (input) => {
      const { state, record } = context;
      if (!context.allowToolCall(VERIFY_TOOL)) return { error: 'tool call limit reached for this turn' };
      if (state.locked) {
        record('verification', { method: method.method, outcome: 'locked', attempts: state.failures });
        return { verified: false, locked: true, message: "I'm not able to verify you on this call. I can take a message for the team." };
      }
      const verifier = context.config.skills.find((skill) => skill.id === method.verifierSkillId);
      if (!verifier) return { error: 'no verifier', message: "I'm not able to verify callers right now." };
      const outcome = await context.run(verifier, input);
      if (!outcome.ok) return { error: 'verifier unavailable', message: "I couldn't check your details just now. Please try again in a moment." };
      if (outcome.output.verified === true) {
        const level = state.stepUpRequested ? 'step_up' : 'basic';
        const expiresAt = new Date(context.now().getTime() + method.tokenTtlSeconds * 1000).toISOString();
        Object.assign(state, { verifiedLevel: level, verifiedUntil: Date.parse(expiresAt), failures: 0, stepUpRequested: false });
        record('verification', { method: method.method, outcome: 'verified', level, expiresAt });
        return { verified: true, message: 'Thank you, you are verified. How can I help?' };
      }
      state.failures += 1;
      if (state.failures >= method.maxAttempts) {
        state.locked = true;
        record('verification', { method: method.method, outcome: 'locked', attempts: state.failures });
        return { verified: false, locked: true, message: "Those details don't match our records, and I can't try again on this call. I can take a message for the team." };
      }
      record('verification', { method: method.method, outcome: 'failed', attempt: state.failures, attemptsLeft: method.maxAttempts - state.failures });
      return { verified: false, attemptsLeft: method.maxAttempts - state.failures, message: `Those details don't match our records. Please check them and try again.` };
    },
  });
}
