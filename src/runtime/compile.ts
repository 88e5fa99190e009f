/**
 * Compile: the agent's draft and everything attached to it become one immutable, self-contained
 * config. Publishing stores it; diff and the pre-publish report read it; channels serve it.
 * Areas added later (knowledge, skills, guardrails, playbooks, widget) each contribute a section.
 */
import type { AgentDraft } from './agent-schema.ts';

export const COMPILED_SCHEMA_VERSION = 1;

export interface CompiledConfig {
  schemaVersion: number;
  agent: AgentDraft;
  knowledge: { sources: unknown[] };
  skills: unknown[];
  guardrails: Record<string, unknown>;
  playbooks: unknown[];
}

/** Compile a draft. Pure and deterministic: the same draft always compiles to the same config. */
export function compileAgent(draft: AgentDraft): CompiledConfig {
  return {
    schemaVersion: COMPILED_SCHEMA_VERSION,
    agent: structuredClone(draft),
    knowledge: { sources: [] },
    skills: [],
    guardrails: {},
    playbooks: [],
  };
}
