/**
 * What guardrails decide, as pure functions of the compiled agent and the conversation so far
 * (read off its receipt): whether the caller is verified and at which level, what a skill
 * needs before it runs, whether the business is open, whether words cross a content rule.
 */
import type { CompiledConfig, CompiledSkill } from '../compile.ts';
import { guardrailsOf } from '../compile.ts';
import type { ReceiptEvent } from '../../store/conversations.ts';
import type { GuardrailPolicy, PolicyType } from './policy.ts';
import type { AgentDraft, Weekday } from '../agent-schema.ts';

export type VerificationLevel = 'basic' | 'step_up';

/** The conversation's state as guardrails see it; a turn updates it as it goes. */
export interface GuardState {
  verifiedLevel: VerificationLevel | null;
  verifiedUntil: number;
  failures: number;
  locked: boolean;
  /** A step-up was asked for since the last verification: the next one counts as step-up. */
  stepUpRequested: boolean;
  /** Runs of each tool so far in the conversation. */
  calls: Map<string, number>;
}

/** Rebuild the state from the receipt. */
export function guardState(events: ReceiptEvent[]): GuardState {
  const state: GuardState = { verifiedLevel: null, verifiedUntil: 0, failures: 0, locked: false, stepUpRequested: false, calls: new Map() };
  for (const event of events) {
    if (event.type === 'verification') {
      const outcome = event.data.outcome;
      if (outcome === 'verified') {
        state.verifiedLevel = event.data.level as VerificationLevel;
        state.verifiedUntil = Date.parse(String(event.data.expiresAt));
        state.failures = 0;
        state.stepUpRequested = false;
      } else if (outcome === 'failed') {
        state.failures += 1;
      } else if (outcome === 'locked') {
        state.locked = true;
      }
    } else if (event.type === 'guardrail' && event.data.rule === 'step_up' && event.data.action === 'blocked') {
      state.stepUpRequested = true;
    } else if (event.type === 'tool_call' && event.data.ok === true) {
      const name = String(event.data.name);
      state.calls.set(name, (state.calls.get(name) ?? 0) + 1);
    }
  }
  return state;
}

/**
 * The names a policy's appliesToSkillType can give a skill: its skill type, and for a skill that
 * runs a connected integration (integration_action, integration_binding) that integration's kind,
 * so `"shopify"` covers every skill that reaches Shopify.
 */
export function skillTypeNames(skill: Pick<CompiledSkill, 'skillType' | 'executionConfig'>): string[] {
  const kind = skill.executionConfig.kind;
  return skill.skillType.startsWith('integration_') && typeof kind === 'string' ? [skill.skillType, kind] : [skill.skillType];
}

/** Whether a policy covers a skill (no applies-to: every skill). */
export function covers(policy: GuardrailPolicy, skill: CompiledSkill): boolean {
  return (
    (policy.appliesToSkillId === null || policy.appliesToSkillId === skill.id) &&
    (policy.appliesToSkillType === null || skillTypeNames(skill).includes(policy.appliesToSkillType))
  );
}

/** The enabled policies of a type that cover a skill. */
export function policiesFor(config: CompiledConfig, type: PolicyType, skill: CompiledSkill): GuardrailPolicy[] {
  return guardrailsOf(config).policies.filter((policy) => policy.policyType === type && covers(policy, skill));
}

/** The verification a skill needs before it runs, or null. */
export function requiredLevel(config: CompiledConfig, skill: CompiledSkill): VerificationLevel | null {
  const stepUp = guardrailsOf(config).callerVerification.some((method) => method.stepUpFor.some((name) => name === skill.name || name === skill.toolName));
  if (stepUp || (skill.requiresVerifiedIdentity && skill.verificationLevel === 'step_up')) return 'step_up';
  const byPolicy = policiesFor(config, 'verify_before_disclose', skill).some((policy) => policy.appliesToSkillId !== null || policy.appliesToSkillType !== null);
  return skill.requiresVerifiedIdentity || byPolicy ? 'basic' : null;
}

/** Whether the caller is verified at `level` now. */
export function isVerified(state: GuardState, level: VerificationLevel, now: Date): boolean {
  if (!state.verifiedLevel || state.verifiedUntil <= now.getTime()) return false;
  return level === 'basic' || state.verifiedLevel === 'step_up';
}

const STAKES = { low: 0, medium: 1, high: 2 } as const;

/** Whether write gating asks for the person's yes before the skill runs. */
export function writeGated(config: CompiledConfig, skill: CompiledSkill): boolean {
  return policiesFor(config, 'write_gating', skill).some((policy) => STAKES[skill.stakes] >= STAKES[(policy.config.minStakes as keyof typeof STAKES) ?? 'medium']);
}

/** The per-conversation cap on a skill's runs, if a policy sets one. */
export function callLimit(config: CompiledConfig, skill: CompiledSkill): number | null {
  const limits = policiesFor(config, 'rate_limit', skill).map((policy) => Number(policy.config.maxCallsPerConversation));
  return limits.length ? Math.min(...limits) : null;
}

/** The result fields the model may see: the skill's own list, narrowed by policies. */
export function allowedFields(config: CompiledConfig, skill: CompiledSkill): Set<string> | null {
  let allowed = skill.allowedFields ? new Set(skill.allowedFields) : null;
  for (const policy of policiesFor(config, 'allowed_fields', skill)) {
    const fields = new Set(policy.config.fields as string[]);
    allowed = allowed ? new Set([...allowed].filter((field) => fields.has(field))) : fields;
  }
  return allowed;
}

const WEEKDAYS: Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Whether the business is open at `now` (always, when it has no hours). */
export function isOpen(agent: AgentDraft, now: Date): boolean {
  const hours = agent.businessHours;
  if (!hours) return true;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: hours.timezone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(now)
      .map((part) => [part.type, part.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  if (hours.holidays.some((holiday) => holiday.date === date)) return false;
  const day = parts.weekday.toLowerCase() as Weekday;
  const time = `${parts.hour}:${parts.minute}`;
  return WEEKDAYS.includes(day) && hours.weekly[day].some((span) => span.open <= time && time < span.close);
}

/** Whether a skill is closed for now by the business hours (transfers by default). */
export function closedFor(config: CompiledConfig, skill: CompiledSkill, now: Date): boolean {
  if (isOpen(config.agent, now)) return false;
  const types = new Set(['transfer']);
  for (const policy of guardrailsOf(config).policies) {
    if (policy.policyType === 'business_hours' && covers(policy, skill)) for (const type of policy.config.skillTypes as string[]) types.add(type);
  }
  return types.has(skill.skillType);
}

/** The first blocked topic the text touches, and what to say instead; null when none. */
export function contentViolation(config: CompiledConfig, text: string): { topic: string; response: string } | null {
  const lower = text.toLowerCase();
  for (const policy of guardrailsOf(config).policies) {
    if (policy.policyType !== 'content_rule') continue;
    const topic = (policy.config.blockedTopics as string[]).find((candidate) => new RegExp(`\\b${escape(candidate.toLowerCase())}\\b`).test(lower));
    if (topic) return { topic, response: (policy.config.response as string | undefined) ?? "I'm sorry, I can't help with that topic." };
  }
  return null;
}

/** Whether the agent has any content rule (then replies are checked before anyone sees them). */
export function hasContentRules(config: CompiledConfig): boolean {
  return guardrailsOf(config).policies.some((policy) => policy.policyType === 'content_rule');
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
