/** Guardrails and caller verification of an agent: read, replace (the whole list), patch. */
import { z } from 'zod';
import { defineTool, idField, listOf } from './define.ts';
import { FlowyteError } from '../errors.ts';
import { loadAgent } from './agents/present.ts';
import type { ToolContext } from './types.ts';
import { SKILL_TYPE_NAMES } from '../runtime/skills/definition.ts';
import { PROVIDERS } from '../runtime/integrations/providers.ts';
import { policyInputSchema, verificationInputSchema, type GuardrailPolicy, type VerificationConfig } from '../runtime/guardrails/policy.ts';

const agentId = idField('The agent id (agt_…).');

const POLICY_HELP =
  'Policy types: verify_before_disclose (matching skills run only for a verified caller), allowed_fields (config.fields: the only result fields the model sees), write_gating (config.minStakes: skills at or above need the person\'s yes), rate_limit (config.maxCallsPerConversation), business_hours (config.skillTypes that do not run while closed; transfer by default), content_rule (config.blockedTopics the agent refuses, config.response).';

export const policySchema = z.object({
  id: z.string().describe('Policy id (grd_…); new ids on every replace.'),
  policyType: z.string().describe('What the policy enforces.'),
  appliesToSkillType: z.string().nullable().describe('Only skills of this type, or that reach this integration kind (e.g. shopify).'),
  appliesToSkillId: z.string().nullable().describe('Only this skill.'),
  isEnabled: z.boolean().describe('Whether it is enforced.'),
  config: z.record(z.string(), z.unknown()).describe('Its settings, defaults filled in.'),
});
const policiesOutput = listOf(policySchema, 'The policies, in order.');

export const verificationSchema = z.object({
  id: z.string().describe('Config id (cvf_…).'),
  method: z.string().describe('dob_postcode, account_pin, otp_sms or knowledge_based.'),
  requiredFields: z.array(z.string()).describe('What the caller must give.'),
  verifierSkillId: z.string().nullable().describe('The skill that checks the answers.'),
  tokenTtlSeconds: z.number().int().describe('How long a verification stays valid.'),
  maxAttempts: z.number().int().describe('Failed attempts before it locks.'),
  stepUpFor: z.array(z.string()).describe('Skills that need a fresh verification.'),
});
const verificationOutput = listOf(verificationSchema, 'The methods, in order.');

/** A referenced skill must be one of this agent's. */
function checkSkillIds(context: ToolContext, agent: string, ids: (string | null)[], field: (index: number) => string): void {
  ids.forEach((id, index) => {
    if (id && !context.services.skills.find(context.org.id, agent, id)) {
      throw new FlowyteError('validation_error', `${field(index)} is not a skill of this agent`, { errors: [{ field: field(index), message: 'is not a skill of this agent' }] });
    }
  });
}

/** A policy for a skill type or integration kind that does not exist would cover nothing: 422. */
function checkSkillTypes(policies: GuardrailPolicy[]): void {
  const known = new Set([...SKILL_TYPE_NAMES, ...PROVIDERS.keys()]);
  const errors = policies.flatMap((policy, index) =>
    policy.appliesToSkillType === null || known.has(policy.appliesToSkillType)
      ? []
      : [{ field: `policies.${index}.appliesToSkillType`, message: 'is neither a skill type (GET /skill-types) nor an integration kind (GET /integrations/catalog)' }],
  );
  if (errors.length) {
    throw new FlowyteError('unprocessable', `${errors.map((error) => error.field).join(', ')} would cover no skill: ${errors[0].message}`, { errors });
  }
}

function savePolicies(context: ToolContext, agent: string, policies: GuardrailPolicy[]) {
  checkSkillTypes(policies);
  checkSkillIds(context, agent, policies.map((policy) => policy.appliesToSkillId), (index) => `policies.${index}.appliesToSkillId`);
  return { items: context.services.guardrails.replacePolicies(context.org.id, agent, policies) };
}

const sameScope = (a: GuardrailPolicy, b: GuardrailPolicy) =>
  a.policyType === b.policyType && a.appliesToSkillType === b.appliesToSkillType && a.appliesToSkillId === b.appliesToSkillId;

export const getGuardrails = defineTool({
  name: 'get_guardrails',
  title: 'Get guardrail policies',
  description: `The agent's guardrail policies: deterministic rules enforced between the model and its skills. ${POLICY_HELP}`,
  http: { method: 'GET', path: '/agents/{agentId}/guardrails' },
  scope: 'guardrails:read',
  toolset: 'guardrails',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({ agentId }),
  output: policiesOutput,
  execute: async (input, context) => ({ items: context.services.guardrails.policies(context.org.id, loadAgent(context, input.agentId).id) }),
});

export const replaceGuardrails = defineTool({
  name: 'replace_guardrails',
  title: 'Replace guardrail policies',
  description: `Replaces the whole list of policies (a policy left out is removed); the body may be the bare array. Live after the next publish. ${POLICY_HELP}`,
  http: { method: 'PUT', path: '/agents/{agentId}/guardrails', arrayBody: 'policies' },
  scope: 'guardrails:write',
  toolset: 'guardrails',
  flags: { list: true, destructive: true, idempotent: true },
  input: z.object({ agentId, policies: z.array(policyInputSchema.describe('One policy.')).max(100).describe('Every policy the agent should have.') }),
  output: policiesOutput,
  execute: async (input, context) => savePolicies(context, loadAgent(context, input.agentId).id, input.policies),
});

export const patchGuardrails = defineTool({
  name: 'update_guardrails',
  title: 'Update guardrail policies',
  description: 'Adds or changes some policies and keeps the rest: a sent policy replaces the one with the same policyType and applies-to, or is added. The body may be the bare array.',
  http: { method: 'PATCH', path: '/agents/{agentId}/guardrails', arrayBody: 'policies' },
  scope: 'guardrails:write',
  toolset: 'guardrails',
  flags: { list: true },
  input: z.object({ agentId, policies: z.array(policyInputSchema.describe('One policy.')).max(100).describe('The policies to add or change.') }),
  output: policiesOutput,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId).id;
    const current = context.services.guardrails.policies(context.org.id, agent).map(({ id: _id, ...policy }) => policy);
    const kept = current.map((policy) => input.policies.find((sent) => sameScope(sent, policy)) ?? policy);
    const added = input.policies.filter((sent) => !current.some((policy) => sameScope(sent, policy)));
    return savePolicies(context, agent, [...kept, ...added]);
  },
});

export const getCallerVerification = defineTool({
  name: 'get_caller_verification',
  title: 'Get caller verification settings',
  description: 'How the agent verifies a caller before it discloses or does anything gated: the method, the fields asked, the verifier skill, the validity, the attempts allowed and the actions that need a step-up.',
  http: { method: 'GET', path: '/agents/{agentId}/caller-verification' },
  scope: 'guardrails:read',
  toolset: 'guardrails',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({ agentId }),
  output: verificationOutput,
  execute: async (input, context) => ({ items: context.services.guardrails.verification(context.org.id, loadAgent(context, input.agentId).id) }),
});

export const replaceCallerVerification = defineTool({
  name: 'replace_caller_verification',
  title: 'Replace caller verification settings',
  description:
    'Replaces the whole list of verification methods; the body may be the bare array. The verifier skill checks the caller\'s answers and must answer { "verified": true|false }. otp_sms is reserved until SMS sending exists.',
  http: { method: 'PUT', path: '/agents/{agentId}/caller-verification', arrayBody: 'configs' },
  scope: 'guardrails:write',
  toolset: 'guardrails',
  flags: { list: true, destructive: true, idempotent: true },
  input: z.object({ agentId, configs: z.array(verificationInputSchema.describe('One method.')).max(10).describe('Every verification method.') }),
  output: verificationOutput,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId).id;
    input.configs.forEach((config: VerificationConfig, index) => {
      if (config.method === 'otp_sms') {
        throw new FlowyteError('method_unavailable', 'otp_sms needs SMS sending, which this deployment does not have yet; use dob_postcode, account_pin or knowledge_based', {
          errors: [{ field: `configs.${index}.method`, message: 'otp_sms is not available yet' }],
        });
      }
    });
    checkSkillIds(context, agent, input.configs.map((config) => config.verifierSkillId), (index) => `configs.${index}.verifierSkillId`);
    return { items: context.services.guardrails.replaceVerification(context.org.id, agent, input.configs) };
  },
});
