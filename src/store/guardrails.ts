/** An agent's guardrail policies and caller-verification methods, each kept as an ordered list. */
import type { Db } from './db.ts';
import { writeTransaction } from './db.ts';
import { newId } from '../ids.ts';
import type { GuardrailPolicy, VerificationConfig } from '../runtime/guardrails/policy.ts';

export interface StoredPolicy extends GuardrailPolicy {
  id: string;
}

export interface StoredVerification extends VerificationConfig {
  id: string;
}

export class GuardrailStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  policies(orgId: string, agentId: string): StoredPolicy[] {
    const rows = this.db
      .prepare(
        `SELECT id, policy_type, applies_to_skill_type, applies_to_skill_id, is_enabled, config FROM guardrail_policies
         WHERE org_id = ? AND agent_id = ? ORDER BY position`,
      )
      .all(orgId, agentId) as { id: string; policy_type: string; applies_to_skill_type: string | null; applies_to_skill_id: string | null; is_enabled: number; config: string }[];
    return rows.map((row) => ({
      id: row.id,
      policyType: row.policy_type as GuardrailPolicy['policyType'],
      appliesToSkillType: row.applies_to_skill_type,
      appliesToSkillId: row.applies_to_skill_id,
      isEnabled: row.is_enabled === 1,
      config: JSON.parse(row.config) as Record<string, unknown>,
    }));
  }

  /** Replace the whole list in one transaction. */
  replacePolicies(orgId: string, agentId: string, policies: GuardrailPolicy[]): StoredPolicy[] {
    writeTransaction(this.db, () => {
      this.db.prepare('DELETE FROM guardrail_policies WHERE org_id = ? AND agent_id = ?').run(orgId, agentId);
      const insert = this.db.prepare(
        `INSERT INTO guardrail_policies (id, org_id, agent_id, position, policy_type, applies_to_skill_type, applies_to_skill_id, is_enabled, config, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const at = this.now().toISOString();
      policies.forEach((policy, position) =>
        insert.run(newId('guardrail'), orgId, agentId, position, policy.policyType, policy.appliesToSkillType, policy.appliesToSkillId,
          Number(policy.isEnabled), JSON.stringify(policy.config), at),
      );
    });
    return this.policies(orgId, agentId);
  }

  verification(orgId: string, agentId: string): StoredVerification[] {
    const rows = this.db
      .prepare(
        `SELECT id, method, required_fields, verifier_skill_id, token_ttl_seconds, max_attempts, step_up_for FROM caller_verification_configs
         WHERE org_id = ? AND agent_id = ? ORDER BY position`,
      )
      .all(orgId, agentId) as { id: string; method: string; required_fields: string; verifier_skill_id: string | null; token_ttl_seconds: number; max_attempts: number; step_up_for: string }[];
    return rows.map((row) => ({
      id: row.id,
      method: row.method as VerificationConfig['method'],
      requiredFields: JSON.parse(row.required_fields) as string[],
      verifierSkillId: row.verifier_skill_id,
      tokenTtlSeconds: row.token_ttl_seconds,
      maxAttempts: row.max_attempts,
      stepUpFor: JSON.parse(row.step_up_for) as string[],
    }));
  }

  replaceVerification(orgId: string, agentId: string, configs: VerificationConfig[]): StoredVerification[] {
    writeTransaction(this.db, () => {
      this.db.prepare('DELETE FROM caller_verification_configs WHERE org_id = ? AND agent_id = ?').run(orgId, agentId);
      const insert = this.db.prepare(
        `INSERT INTO caller_verification_configs (id, org_id, agent_id, position, method, required_fields, verifier_skill_id, token_ttl_seconds,
           max_attempts, step_up_for, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const at = this.now().toISOString();
      configs.forEach((config, position) =>
        insert.run(newId('verification'), orgId, agentId, position, config.method, JSON.stringify(config.requiredFields), config.verifierSkillId,
          config.tokenTtlSeconds, config.maxAttempts, JSON.stringify(config.stepUpFor), at),
      );
    });
    return this.verification(orgId, agentId);
  }
}
