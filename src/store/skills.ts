/** Skills of agents, and the outbox of messages the runtime leaves for people. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';
import { AgentRows } from './agent-rows.ts';

export interface SkillFields {
  name: string;
  description: string;
  skillType: string;
  parametersSchema: Record<string, unknown>;
  executionConfig: Record<string, unknown>;
  enabled: boolean;
  requiresConfirmation: boolean;
  stakes: 'low' | 'medium' | 'high';
  requiresVerifiedIdentity: boolean;
  verificationLevel: 'basic' | 'step_up';
  allowedFields: string[] | null;
}

/** Where a skill made from an integration came from: the provider, and the action, binding or preset. */
export interface SkillOrigin {
  kind: string;
  ref: string;
}

export interface SkillRecord extends SkillFields {
  id: string;
  /** Null for a skill made by hand. */
  integration: SkillOrigin | null;
  orgId: string;
  agentId: string;
  createdAt: string;
  updatedAt: string;
}

export interface OutboxMessage {
  orgId: string;
  agentId: string;
  conversationId: string | null;
  skillId: string | null;
  kind: 'message' | 'email';
  recipient: string | null;
  subject: string;
  body: string;
  data: Record<string, unknown>;
}

interface SkillRow {
  id: string;
  org_id: string;
  agent_id: string;
  name: string;
  description: string;
  skill_type: string;
  parameters_schema: string;
  execution_config: string;
  enabled: number;
  requires_confirmation: number;
  stakes: SkillFields['stakes'];
  requires_verified_identity: number;
  verification_level: SkillFields['verificationLevel'];
  allowed_fields: string | null;
  integration_kind: string | null;
  integration_ref: string | null;
  created_at: string;
  updated_at: string;
}

function toRecord(row: SkillRow): SkillRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    name: row.name,
    description: row.description,
    skillType: row.skill_type,
    parametersSchema: JSON.parse(row.parameters_schema) as Record<string, unknown>,
    executionConfig: JSON.parse(row.execution_config) as Record<string, unknown>,
    enabled: row.enabled === 1,
    requiresConfirmation: row.requires_confirmation === 1,
    stakes: row.stakes,
    requiresVerifiedIdentity: row.requires_verified_identity === 1,
    verificationLevel: row.verification_level,
    allowedFields: row.allowed_fields === null ? null : (JSON.parse(row.allowed_fields) as string[]),
    integration: row.integration_kind ? { kind: row.integration_kind, ref: row.integration_ref ?? '' } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const columns = (fields: SkillFields) => [
  fields.name, fields.description, fields.skillType, JSON.stringify(fields.parametersSchema), JSON.stringify(fields.executionConfig),
  Number(fields.enabled), Number(fields.requiresConfirmation), fields.stakes, Number(fields.requiresVerifiedIdentity), fields.verificationLevel,
  fields.allowedFields === null ? null : JSON.stringify(fields.allowedFields),
];

export class SkillStore extends AgentRows<SkillRow, SkillRecord> {
  constructor(db: Db, private readonly now: () => Date) {
    super(db, 'skills', toRecord);
  }

  /** A new skill; `origin` marks one made from an integration. */
  create(orgId: string, agentId: string, fields: SkillFields, origin: SkillOrigin | null = null): SkillRecord {
    const id = newId('skill');
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO skills (name, description, skill_type, parameters_schema, execution_config, enabled, requires_confirmation, stakes,
           requires_verified_identity, verification_level, allowed_fields, id, org_id, agent_id, integration_kind, integration_ref, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...columns(fields), id, orgId, agentId, origin?.kind ?? null, origin?.ref ?? null, at, at);
    return this.find(orgId, agentId, id)!;
  }

  /** The agent's skill made from this integration action, binding or preset, if any. */
  findByOrigin(orgId: string, agentId: string, origin: SkillOrigin): SkillRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM skills WHERE org_id = ? AND agent_id = ? AND integration_kind = ? AND integration_ref = ?')
      .get(orgId, agentId, origin.kind, origin.ref) as SkillRow | undefined;
    return row && toRecord(row);
  }

  /** Delete the agent's skills made from an integration (hand-made ones stay); their ids. */
  removeIntegration(orgId: string, agentId: string, kind: string): string[] {
    const rows = this.db
      .prepare('DELETE FROM skills WHERE org_id = ? AND agent_id = ? AND integration_kind = ? RETURNING id')
      .all(orgId, agentId, kind) as { id: string }[];
    return rows.map((row) => row.id);
  }

  update(orgId: string, agentId: string, id: string, fields: SkillFields): SkillRecord | undefined {
    const changed = this.db
      .prepare(
        `UPDATE skills SET name = ?, description = ?, skill_type = ?, parameters_schema = ?, execution_config = ?, enabled = ?,
           requires_confirmation = ?, stakes = ?, requires_verified_identity = ?, verification_level = ?, allowed_fields = ?, updated_at = ?
         WHERE org_id = ? AND agent_id = ? AND id = ?`,
      )
      .run(...columns(fields), this.now().toISOString(), orgId, agentId, id).changes;
    return changed ? this.find(orgId, agentId, id) : undefined;
  }

  /** Leave a message for people (take-a-message, the stored email outbox). */
  leaveMessage(message: OutboxMessage): string {
    const id = newId('outboxMessage');
    this.db
      .prepare(
        `INSERT INTO outbox_messages (id, org_id, agent_id, conversation_id, skill_id, kind, recipient, subject, body, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, message.orgId, message.agentId, message.conversationId, message.skillId, message.kind, message.recipient, message.subject,
        message.body, JSON.stringify(message.data), this.now().toISOString());
    return id;
  }

  /** The org's outbox, oldest first. */
  outbox(orgId: string): (OutboxMessage & { id: string; createdAt: string })[] {
    const rows = this.db
      .prepare(
        `SELECT id, org_id AS orgId, agent_id AS agentId, conversation_id AS conversationId, skill_id AS skillId, kind, recipient, subject, body,
           data, created_at AS createdAt FROM outbox_messages WHERE org_id = ? ORDER BY id`,
      )
      .all(orgId) as (OutboxMessage & { id: string; createdAt: string; data: string })[];
    return rows.map((row) => ({ ...row, data: JSON.parse(row.data as unknown as string) as Record<string, unknown> }));
  }
}
