/**
 * A turn's skills as model tools. What stands between the model and a skill is code: the input
 * is checked against the skill's parameters; a gated skill runs only for a caller verified at the
 * level it needs; rate limits and business hours apply; a skill that needs confirmation runs
 * only after the person said yes; and only the allowed fields of a result reach the model. Each
 * decision is an event in the receipt.
 */
import { jsonSchema, tool, type ToolSet } from 'ai';
import type { ValidateFunction } from 'ajv';
import type { CompiledConfig, CompiledSkill } from '../compile.ts';
import { compileParameters } from '../skills/definition.ts';
import type { SkillOutcome } from '../skills/executors.ts';
import type { ReceiptEventType } from './events.ts';
import { allowedFields, callLimit, closedFor, isVerified, requiredLevel, writeGated, type GuardState } from '../guardrails/enforce.ts';
import { verifierIds, verifyIdentityTool } from './verification.ts';
import { HANDOFF_TOOL, handoffTool } from './handoff.ts';

/** A skill call waiting for the person's yes, as the receipt of the previous turn recorded it. */
export interface PendingConfirmation {
  tool: string;
  input: Record<string, unknown>;
  /** What the person said when the call was asked about (a warm transfer's reason). */
  utterance: string;
}

export interface SkillToolContext {
  config: CompiledConfig;
  /** What the person said this turn. */
  utterance: string;
  state: GuardState;
  now(): Date;
  /** Run a skill; `utterance` is the person's words the call answers (default: this turn's). */
  run(skill: CompiledSkill, input: Record<string, unknown>, utterance?: string): Promise<SkillOutcome>;
  allowToolCall(name: string): boolean;
  record(type: ReceiptEventType, data: Record<string, unknown>): void;
}

const validators = new WeakMap<CompiledSkill, ValidateFunction>();
function validatorOf(skill: CompiledSkill): ValidateFunction {
  let validate = validators.get(skill);
  if (!validate) {
    validate = compileParameters(skill.parametersSchema);
    validators.set(skill, validate);
  }
  return validate;
}

/** Whether a tool's result reports a failure (skills say so with an `error` member, never a throw). */
export const failed = (output: unknown): boolean => typeof output === 'object' && output !== null && 'error' in output;

export const confirmationQuestion = (skill: CompiledSkill) =>
  `Before I go ahead with "${skill.name}", can you confirm? Please say yes or no.`;

/** Whether what was said names one of the operator's urgent situations. */
function isUrgent(urgentWhen: string[], said: string): boolean {
  const lower = said.toLowerCase();
  return urgentWhen.some((phrase) => lower.includes(phrase.toLowerCase()));
}

/** The checks before a skill may run: the outcome the model sees when one says no, else null. */
function refusal(context: SkillToolContext, skill: CompiledSkill, input: Record<string, unknown>): Record<string, unknown> | null {
  const { config, state, record } = context;
  const validate = validatorOf(skill);
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map((error) => `${error.instancePath || '(input)'} ${error.message}`);
    record('guardrail', { rule: 'invalid_parameters', action: 'blocked', tool: skill.toolName, problems });
    return { error: 'invalid parameters', problems, message: 'I need a bit more information before I can do that.' };
  }
  const level = requiredLevel(config, skill);
  if (level && !isVerified(state, level, context.now())) {
    if (level === 'step_up') state.stepUpRequested = true;
    record('guardrail', { rule: level === 'step_up' ? 'step_up' : 'verify_before_disclose', action: 'blocked', tool: skill.toolName, level });
    const method = config.guardrails.callerVerification?.[0];
    if (!method || state.locked) return { verificationRequired: true, message: "I'm not able to do that on this call. I can take a message for the team." };
    const fields = method.requiredFields.map((field) => field.replace(/_/g, ' ')).join(' and ');
    return { verificationRequired: true, message: `Before I can do that, I need to verify your identity. Please tell me your ${fields}.` };
  }
  const limit = callLimit(config, skill);
  if (limit !== null && (state.calls.get(skill.toolName) ?? 0) >= limit) {
    record('guardrail', { rule: 'rate_limit', action: 'blocked', tool: skill.toolName, limit });
    return { error: 'limit reached', message: "I can't do that again on this call, but I can take a message." };
  }
  return null;
}

/** Check, run and filter one skill call; the outcome the model sees. */
export async function callSkill(
  context: SkillToolContext,
  skill: CompiledSkill,
  input: Record<string, unknown>,
  confirmed: { utterance: string } | false,
): Promise<Record<string, unknown>> {
  const refused = refusal(context, skill, input);
  if (refused) return refused;
  let runnable = skill;
  if (closedFor(context.config, skill, context.now())) {
    const { afterHours } = context.config.agent;
    const urgent = isUrgent(afterHours.urgentWhen ?? [], confirmed ? confirmed.utterance : context.utterance);
    if (skill.skillType !== 'transfer' || !afterHours.number || !(afterHours.allowHumanTransfer || urgent)) {
      context.record('guardrail', { rule: 'business_hours', action: 'blocked', tool: skill.toolName });
      return { error: 'closed', message: afterHours.message || "We're closed right now, so I can't do that, but I can take a message for the team." };
    }
    context.record('guardrail', { rule: 'business_hours', action: urgent && !afterHours.allowHumanTransfer ? 'urgent_rerouted' : 'rerouted', tool: skill.toolName, destination: afterHours.number });
    runnable = { ...skill, executionConfig: { ...skill.executionConfig, destination: afterHours.number } };
  }
  if ((skill.requiresConfirmation || writeGated(context.config, skill)) && !confirmed) {
    context.record('guardrail', { rule: 'requires_confirmation', action: 'asked', tool: skill.toolName, input });
    return { confirmationRequired: true, message: confirmationQuestion(skill) };
  }
  const outcome = await context.run(runnable, input, confirmed ? confirmed.utterance : undefined);
  if (outcome.handoff) context.record('handoff', { ...outcome.handoff, skill: skill.toolName });
  if (!outcome.ok) return outcome.output;
  context.state.calls.set(skill.toolName, (context.state.calls.get(skill.toolName) ?? 0) + 1);
  const allowed = allowedFields(context.config, skill);
  if (!allowed) return outcome.output;
  const removed = Object.keys(outcome.output).filter((field) => !allowed.has(field));
  if (removed.length) context.record('guardrail', { rule: 'allowed_fields', action: 'filtered', tool: skill.toolName, removed });
  return Object.fromEntries(Object.entries(outcome.output).filter(([field]) => allowed.has(field)));
}

/**
 * The skills as tools the model may call this turn (verifier skills only through verify_identity),
 * with the built-in handoff when the agent has somewhere to hand off to.
 */
export function skillTools(context: SkillToolContext, utterance: string): ToolSet {
  const verifiers = verifierIds(context.config);
  const tools: ToolSet = Object.fromEntries(
    context.config.skills
      .filter((skill) => !verifiers.has(skill.id))
      .map((skill) => [
        skill.toolName,
        tool({
          description: skill.description,
          inputSchema: jsonSchema<Record<string, unknown>>(skill.parametersSchema),
          execute: async (input) => {
            if (!context.allowToolCall(skill.toolName)) return { error: 'tool call limit reached for this turn' };
            return callSkill(context, skill, input, false);
          },
        }),
      ]),
  );
  const verify = verifyIdentityTool(context);
  if (verify) tools.verify_identity = verify;
  const handoff = handoffTool(context, utterance);
  if (handoff && !tools[HANDOFF_TOOL]) tools[HANDOFF_TOOL] = handoff;
  return tools;
}
