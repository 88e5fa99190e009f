/**
 * Guardrail policies and caller-verification methods: their shapes, checked once for every face.
 * What each policy does at run time is in `enforce.ts`.
 */
import { z } from 'zod';

export const POLICY_TYPES = ['verify_before_disclose', 'allowed_fields', 'write_gating', 'rate_limit', 'business_hours', 'content_rule'] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];

const stakes = z.enum(['low', 'medium', 'high']);

/** The settings each policy type takes (all optional: a policy with none uses the defaults). */
export const POLICY_CONFIGS = {
  verify_before_disclose: z.object({}),
  allowed_fields: z.object({ fields: z.array(z.string().max(100)).max(100).default([]).describe('Result fields the model may see.') }),
  write_gating: z.object({ minStakes: stakes.default('medium').describe('Skills at or above these stakes need the person\'s yes first.') }),
  rate_limit: z.object({ maxCallsPerConversation: z.number().int().min(1).max(1000).default(3).describe('Runs of a matching skill allowed per conversation.') }),
  business_hours: z.object({
    skillTypes: z.array(z.string().max(40)).max(20).default(['transfer']).describe('Skill types that do not run while the business is closed.'),
  }),
  content_rule: z.object({
    blockedTopics: z.array(z.string().min(1).max(200)).min(1).max(200).describe('Words or phrases the agent refuses to discuss (either side).'),
    response: z.string().max(1000).optional().describe('What the agent says instead.'),
  }),
} satisfies Record<PolicyType, z.ZodObject>;

export const policyInputSchema = z
  .object({
    policyType: z.enum(POLICY_TYPES).describe('What the policy enforces.'),
    appliesToSkillType: z.string().max(40).nullable().default(null).describe('Only skills of this skill type, or that reach this integration kind (e.g. shopify: its integration_action and integration_binding skills); null: every skill the policy can apply to. Anything else is 422.'),
    appliesToSkillId: z.string().max(64).nullable().default(null).describe('Only this skill.'),
    isEnabled: z.boolean().default(true).describe('Disabled policies are kept but not enforced.'),
    config: z.record(z.string(), z.unknown()).default({}).describe('Settings of the policy type (see the tool description).'),
  })
  .superRefine((policy, context) => {
    const parsed = POLICY_CONFIGS[policy.policyType].safeParse(policy.config);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', path: ['config', ...issue.path], message: issue.message });
    }
  })
  .transform((policy) => ({ ...policy, config: POLICY_CONFIGS[policy.policyType].parse(policy.config) as Record<string, unknown> }));

export type GuardrailPolicy = z.output<typeof policyInputSchema>;

export const VERIFICATION_METHODS = ['dob_postcode', 'account_pin', 'otp_sms', 'knowledge_based'] as const;

export const verificationInputSchema = z.object({
  method: z.enum(VERIFICATION_METHODS).describe('How the caller proves who they are.'),
  requiredFields: z
    .array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a variable-style name').max(64))
    .min(1)
    .max(10)
    .describe('What the caller must give, e.g. ["date_of_birth", "postcode"].'),
  verifierSkillId: z.string().max(64).nullable().default(null).describe('The skill that checks the answers against your records; it must answer { "verified": true|false }.'),
  tokenTtlSeconds: z.number().int().min(30).max(86_400).default(600).describe('How long a verification stays valid in the conversation.'),
  maxAttempts: z.number().int().min(1).max(10).default(3).describe('Failed attempts before verification locks for the conversation.'),
  stepUpFor: z.array(z.string().max(120)).max(50).default([]).describe('Skill names (or tool names) that need a fresh verification even after a basic one.'),
});

export type VerificationConfig = z.output<typeof verificationInputSchema>;

/** What the compiled agent carries: enabled policies, and the verification methods. */
export interface CompiledGuardrails {
  policies: GuardrailPolicy[];
  callerVerification: VerificationConfig[];
}
