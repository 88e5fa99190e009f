/** Running a skill: the kind of the skill runs it. */
import type { SkillCall, SkillEnvironment, SkillOutcome } from './kind.ts';
import { SKILL_KINDS } from './kinds.ts';
import { UNAVAILABLE } from './kind.ts';

export type { SkillCall, SkillEnvironment, SkillOutcome } from './kind.ts';

/** Run a skill with input the caller has already validated against its parameters. */
export function runSkill(call: SkillCall, environment: SkillEnvironment): Promise<SkillOutcome> {
  const kind = SKILL_KINDS.get(call.skill.skillType);
  if (!kind) return Promise.resolve({ ok: false, output: { error: `skill type ${call.skill.skillType} cannot run here`, message: UNAVAILABLE } });
  return kind.execute(call, environment);
}
