/**
 * Compile: the agent's draft and everything attached to it become one immutable, self-contained
 * config. Publishing stores it; diff and the pre-publish report read it; channels serve it.
 * Areas added later (knowledge, skills, guardrails, playbooks, widget) each contribute a section.
 */
import type { AgentDraft } from './agent-schema.ts';
import type { Services } from '../services.ts';
import type { AgentRecord } from '../store/agents.ts';
import { servingStatus } from '../store/knowledge.ts';
import type { SkillRecord } from '../store/skills.ts';
import { redactExecutionConfig } from './skills/definition.ts';
import type { CompiledGuardrails, GuardrailPolicy, VerificationConfig } from './guardrails/policy.ts';
import type { PlaybookGraph } from './playbooks/graph.ts';
import type { PlaybookRecord } from '../store/playbooks.ts';

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
export type CompiledSkill = Omit<SkillRecord, 'orgId' | 'agentId' | 'enabled' | 'integration' | 'createdAt' | 'updatedAt'> & { toolName: string };

/** An enabled playbook with a saved graph; the model starts it through `toolName`. */
export interface CompiledPlaybook {
  id: string;
  name: string;
  description: string;
  toolName: string;
  /** What the model passes when it starts the playbook (the playbook's declared inputs). */
  inputSchema: Record<string, unknown> | null;
  graph: PlaybookGraph;
}

/** What is attached to an agent besides its own draft. */
export interface AgentAttachments {
  knowledgeSources: CompiledKnowledgeSource[];
  skills: SkillRecord[];
  policies: GuardrailPolicy[];
  callerVerification: VerificationConfig[];
  playbooks: PlaybookRecord[];
}

export interface CompiledConfig {
  schemaVersion: number;
  agent: AgentDraft;
  knowledge: { sources: CompiledKnowledgeSource[] };
  skills: CompiledSkill[];
  /** Absent fields in versions published before guardrails existed: read through `guardrailsOf`. */
  guardrails: Partial<CompiledGuardrails>;
  playbooks: CompiledPlaybook[];
}

/** Compile a draft. Pure and deterministic: the same draft always compiles to the same config. */
export function compileAgent(draft: AgentDraft, attachments: AgentAttachments): CompiledConfig {
  return {
    schemaVersion: COMPILED_SCHEMA_VERSION,
    agent: structuredClone(draft),
    knowledge: { sources: attachments.knowledgeSources.map((source) => ({ ...source })) },
    skills: compileSkills(attachments.skills),
    guardrails: {
      policies: attachments.policies.filter((policy) => policy.isEnabled).map((policy) => structuredClone(policy)),
      callerVerification: attachments.callerVerification.map((config) => structuredClone(config)),
    },
    playbooks: compilePlaybooks(attachments.playbooks),
  };
}

const snakeCase = (name: string) => name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');

/** `base`, or `base_2`, `base_3`… when taken; the name returned is taken from then on. */
function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let suffix = 2; taken.has(name); suffix += 1) name = `${base}_${suffix}`;
  taken.add(name);
  return name;
}

/** Tool names the model can call: the skill's name as snake_case, unique within the agent. */
function compileSkills(skills: SkillRecord[]): CompiledSkill[] {
  // Names of the engine's built-in tools are never given to a skill.
  const taken = new Set(['search_knowledge', 'verify_identity', 'transfer_to_person']);
  return skills
    .filter((skill) => skill.enabled)
    .map(({ orgId: _org, agentId: _agent, enabled: _enabled, integration: _integration, createdAt: _created, updatedAt: _updated, ...skill }) => {
      const base = (snakeCase(skill.name) || 'skill').slice(0, 56);
      return structuredClone({ ...skill, toolName: uniqueName(/^[a-z]/.test(base) ? base : `skill_${base}`, taken) });
    });
}

/** Tool names the model starts playbooks with: `start_` and the name as snake_case, unique. */
function compilePlaybooks(playbooks: PlaybookRecord[]): CompiledPlaybook[] {
  const taken = new Set<string>();
  return playbooks
    .filter((playbook) => playbook.enabled && playbook.graph)
    .map((playbook) => {
      const toolName = uniqueName(`start_${snakeCase(playbook.name)}`.slice(0, 60), taken);
      return {
        id: playbook.id,
        name: playbook.name,
        description: playbook.description,
        toolName,
        inputSchema: playbook.inputSchema && structuredClone(playbook.inputSchema),
        graph: structuredClone(playbook.graph!),
      };
    });
}

/** A compiled config's guardrails, with the defaults of versions that had none. */
export function guardrailsOf(config: CompiledConfig): CompiledGuardrails {
  return { policies: config.guardrails.policies ?? [], callerVerification: config.guardrails.callerVerification ?? [] };
}

/** The config with secret settings (skill headers) masked: what diffs, reports and resources show. */
export function withoutSecrets(config: CompiledConfig): CompiledConfig {
  return { ...config, skills: config.skills.map((skill) => ({ ...skill, executionConfig: redactExecutionConfig(skill.executionConfig) })) };
}

/** Compile an agent's current draft with everything attached to it now. */
export function compileCurrent(services: Pick<Services, 'knowledge' | 'skills' | 'guardrails' | 'playbooks'>, agent: AgentRecord): CompiledConfig {
  const knowledgeSources = services.knowledge.allSources(agent.orgId, agent.id).map((source) => ({
    id: source.id,
    kind: source.kind,
    label: source.label,
    status: servingStatus(source),
    chunkCount: source.chunkCount,
    contentHash: source.contentHash,
  }));
  const strip = <T extends { id: string }>({ id: _id, ...rest }: T) => rest;
  return compileAgent(agent.draft, {
    knowledgeSources,
    skills: services.skills.all(agent.orgId, agent.id),
    policies: services.guardrails.policies(agent.orgId, agent.id).map(strip),
    callerVerification: services.guardrails.verification(agent.orgId, agent.id).map(strip),
    playbooks: services.playbooks.all(agent.orgId, agent.id),
  });
}
