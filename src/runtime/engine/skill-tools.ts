/**
 * A turn's skills as model tools. What stands between the model and a skill is code: the input
 * is checked against the skill's parameters, a skill that needs confirmation runs only after the
 * person said yes, and only the allowed fields of a result reach the model. Each decision is an
 * event in the receipt.
 */
import { jsonSchema, tool, type ToolSet } from 'ai';
import type { ValidateFunction } from 'ajv';
import type { CompiledSkill } from '../compile.ts';
import { compileParameters } from '../skills/definition.ts';
import type { SkillOutcome } from '../skills/executors.ts';
import type { ReceiptEventType } from './events.ts';

/** A skill call waiting for the person's yes, as the receipt of the previous turn recorded it. */
export interface PendingConfirmation {
  tool: string;
  input: Record<string, unknown>;
  /** What the person said when the call was asked about (a warm transfer's reason). */
  utterance: string;
}

export interface SkillToolContext {
  skills: CompiledSkill[];
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

export const confirmationQuestion = (skill: CompiledSkill) =>
  `Before I go ahead with "${skill.name}", can you confirm? Please say yes or no.`;

/** Check, run and filter one skill call; the outcome the model sees. */
export async function callSkill(
  context: SkillToolContext,
  skill: CompiledSkill,
  input: Record<string, unknown>,
  confirmed: { utterance: string } | false,
): Promise<Record<string, unknown>> {
  const validate = validatorOf(skill);
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map((error) => `${error.instancePath || '(input)'} ${error.message}`);
    context.record('guardrail', { rule: 'invalid_parameters', action: 'blocked', tool: skill.toolName, problems });
    return { error: 'invalid parameters', problems, message: 'I need a bit more information before I can do that.' };
  }
  if (skill.requiresConfirmation && !confirmed) {
    context.record('guardrail', { rule: 'requires_confirmation', action: 'asked', tool: skill.toolName, input });
    return { confirmationRequired: true, message: confirmationQuestion(skill) };
  }
  const outcome = await context.run(skill, input, confirmed ? confirmed.utterance : undefined);
  if (outcome.handoff) context.record('handoff', { ...outcome.handoff, skill: skill.toolName });
  if (!outcome.ok || !skill.allowedFields) return outcome.output;
  const allowed = new Set(skill.allowedFields);
  const removed = Object.keys(outcome.output).filter((field) => !allowed.has(field));
  if (removed.length) context.record('guardrail', { rule: 'allowed_fields', action: 'filtered', tool: skill.toolName, removed });
  return Object.fromEntries(Object.entries(outcome.output).filter(([field]) => allowed.has(field)));
}

/** The skills as tools the model may call this turn. */
export function skillTools(context: SkillToolContext): ToolSet {
  return Object.fromEntries(
    context.skills.map((skill) => [
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
}
