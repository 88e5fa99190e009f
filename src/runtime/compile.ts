/**
 * Compile: the agent's draft and everything attached to it become one immutable, self-contained
 * config. Publishing stores it; diff and the pre-publish report read it; channels serve it.
 * Areas added later (knowledge, skills, guardrails, playbooks, widget) each contribute a section.
 */
import type { AgentDraft } from './agent-schema.ts';
import type { Services } from '../services.ts';
import type { AgentRecord } from '../store/agents.ts';
import type { SkillRecord } from '../store/skills.ts';
import { redactExecutionConfig } from './skills/definition.ts';

export const COMPILED_SCHEMA_VERSION = 1;

/** A knowledge source as the compiled config records it (its passages stay in the index). */
export interface CompiledKnowledgeSource {
  id: string;
  kind: string;
  label: string;
  status: string;
  chunkCount: number;
  contentHash: string | null;
}

/** An enabled skill as the runtime runs it; `toolName` is what the model calls it. */
export type CompiledSkill = Omit<SkillRecord, 'orgId' | 'agentId' | 'enabled' | 'createdAt' | 'updatedAt'> & { toolName: string };

/** What is attached to an agent besides its own draft. */
export interface AgentAttachments {
  knowledgeSources: CompiledKnowledgeSource[];
  skills: SkillRecord[];
}

export interface CompiledConfig {
  schemaVersion: number;
  agent: AgentDraft;
  knowledge: { sources: CompiledKnowledgeSource[] };
  skills: CompiledSkill[];
  guardrails: Record<string, unknown>;
  playbooks: unknown[];
}

/** Compile a draft. Pure and deterministic: the same draft always compiles to the same config. */
export function compileAgent(draft: AgentDraft, attachments: AgentAttachments): CompiledConfig {
  return {
    schemaVersion: COMPILED_SCHEMA_VERSION,
    agent: structuredClone(draft),
    knowledge: { sources: attachments.knowledgeSources.map((source) => ({ ...source })) },
    skills: compileSkills(attachments.skills),
    guardrails: {},
    playbooks: [],
  };
}

/** Tool names the model can call: the skill's name as snake_case, unique within the agent. */
function compileSkills(skills: SkillRecord[]): CompiledSkill[] {
  const taken = new Set(['search_knowledge']);
  return skills
    .filter((skill) => skill.enabled)
    .map(({ orgId: _org, agentId: _agent, enabled: _enabled, createdAt: _created, updatedAt: _updated, ...skill }) => {
      const base = (skill.name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'skill').slice(0, 56);
      let toolName = /^[a-z]/.test(base) ? base : `skill_${base}`;
      for (let suffix = 2; taken.has(toolName); suffix += 1) toolName = `${base}_${suffix}`;
      taken.add(toolName);
      return structuredClone({ ...skill, toolName });
    });
}

/** The config with secret settings (skill headers) masked: what diffs, reports and resources show. */
export function withoutSecrets(config: CompiledConfig): CompiledConfig {
  return { ...config, skills: config.skills.map((skill) => ({ ...skill, executionConfig: redactExecutionConfig(skill.executionConfig) })) };
}

/** Compile an agent's current draft with everything attached to it now. */
export function compileCurrent(services: Pick<Services, 'knowledge' | 'skills'>, agent: AgentRecord): CompiledConfig {
  const knowledgeSources = services.knowledge.allSources(agent.orgId, agent.id).map((source) => ({
    id: source.id,
    kind: source.kind,
    label: source.label,
    status: source.status,
    chunkCount: source.chunkCount,
    contentHash: source.contentHash,
  }));
  return compileAgent(agent.draft, { knowledgeSources, skills: services.skills.all(agent.orgId, agent.id) });
}
