/**
 * Compile: the agent's draft and everything attached to it become one immutable, self-contained
 * config. Publishing stores it; diff and the pre-publish report read it; channels serve it.
 * Areas added later (knowledge, skills, guardrails, playbooks, widget) each contribute a section.
 */
import type { AgentDraft } from './agent-schema.ts';
import type { Services } from '../services.ts';
import type { AgentRecord } from '../store/agents.ts';

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

/** What is attached to an agent besides its own draft. */
export interface AgentAttachments {
  knowledgeSources: CompiledKnowledgeSource[];
}

export interface CompiledConfig {
  schemaVersion: number;
  agent: AgentDraft;
  knowledge: { sources: CompiledKnowledgeSource[] };
  skills: unknown[];
  guardrails: Record<string, unknown>;
  playbooks: unknown[];
}

/** Compile a draft. Pure and deterministic: the same draft always compiles to the same config. */
export function compileAgent(draft: AgentDraft, attachments: AgentAttachments): CompiledConfig {
  return {
    schemaVersion: COMPILED_SCHEMA_VERSION,
    agent: structuredClone(draft),
    knowledge: { sources: attachments.knowledgeSources.map((source) => ({ ...source })) },
    skills: [],
    guardrails: {},
    playbooks: [],
  };
}

/** Compile an agent's current draft with everything attached to it now. */
export function compileCurrent(services: Pick<Services, 'knowledge'>, agent: AgentRecord): CompiledConfig {
  const knowledgeSources = services.knowledge.allSources(agent.orgId, agent.id).map((source) => ({
    id: source.id,
    kind: source.kind,
    label: source.label,
    status: source.status,
    chunkCount: source.chunkCount,
    contentHash: source.contentHash,
  }));
  return compileAgent(agent.draft, { knowledgeSources });
}
