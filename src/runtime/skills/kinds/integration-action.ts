/**
 * integration_action: run one ready-made action of a connected provider (book on a calendar, log
 * a row, look up an order) with what the agent collected. executionConfig names the provider and
 * the action; the rest of it is the operator's settings for the action, checked against what the
 * action takes when the skill is saved. A provider that is not (or no longer) connected, or an
 * action still missing a setting, answers in words the agent can say.
 */
import { z } from 'zod';
import { FlowyteError } from '../../../errors.ts';
import { PROVIDERS } from '../../integrations/providers.ts';
import type { ActionDefinition } from '../../integrations/provider.ts';
import { UNAVAILABLE, invalidField, type SkillKind, type SkillOutcome } from '../kind.ts';

const NOT_SET_UP = "I can't do that just yet. I can take a message so someone gets back to you.";

const failure = (reason: string, message = UNAVAILABLE): SkillOutcome => ({ ok: false, output: { error: reason, message } });

/** The action `slug` of provider `kind`, or a validation error naming the field. */
function actionOf(kind: string, slug: string): ActionDefinition {
  const provider = PROVIDERS.get(kind);
  if (!provider) throw invalidField('executionConfig.kind', `is not a provider of the catalog (GET /integrations/catalog)`);
  const action = provider.actions.find((candidate) => candidate.slug === slug);
  if (!action) throw invalidField('executionConfig.action', `is not an action of ${provider.name} (GET /integrations/${kind}/actions)`);
  return action;
}

/** Settings the action needs that are still unset. */
function missingSettings(action: ActionDefinition, settings: Record<string, unknown>): string[] {
  return action.configNeeded.map((needed) => needed.key).filter((key) => {
    const value = settings[key];
    return value === undefined || value === null || value === '' || (typeof value === 'object' && Object.keys(value).length === 0);
  });
}

export const integrationAction: SkillKind = {
  skillType: 'integration_action',
  // The action's own settings sit beside kind and action; normalize checks them.
  config: z.object({ kind: z.string().min(1).max(40), action: z.string().min(1).max(64) }).catchall(z.unknown()),
  normalize(config) {
    const { kind, action: slug, ...settings } = config as { kind: string; action: string };
    const action = actionOf(kind, slug);
    const parsed = (action.settings ?? z.object({})).strict().safeParse(settings);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({ field: ['executionConfig', ...(issue.path.length ? issue.path : (issue as { keys?: string[] }).keys ?? [])].join('.'), message: issue.message }));
      throw new FlowyteError('validation_error', errors.map((error) => `${error.field} ${error.message}`).join('; '), { errors });
    }
    return { kind, action: slug, ...(parsed.data as Record<string, unknown>) };
  },
  async execute({ skill, input, conversation, signal }, environment) {
    const { kind, action: slug, ...settings } = skill.executionConfig as { kind: string; action: string };
    if (!environment.integration) return failure('integrations are not available here');
    try {
      const action = actionOf(kind, slug);
      const missing = missingSettings(action, settings);
      if (missing.length) return failure(`the skill is not set up yet: set ${missing.map((key) => `executionConfig.${key}`).join(', ')}`, NOT_SET_UP);
      const { provider, context } = environment.integration(conversation.orgId, kind, signal);
      if (!provider.runAction) return failure(`${provider.name} has no ready-made actions`);
      return await provider.runAction(context, slug, input, settings);
    } catch (error) {
      if (error instanceof FlowyteError && error.code === 'integration_not_connected') return failure(error.message, NOT_SET_UP);
      return failure(error instanceof FlowyteError ? error.message : 'the provider call failed');
    }
  },
};
