/** The public shape of an agent and of a published version. */
import { z } from 'zod';
import { agentDraftShape, type AgentDraft } from '../../runtime/agent-schema.ts';
import type { AgentRecord, AgentVersionRecord } from '../../store/agents.ts';
import { compileCurrent } from '../../runtime/compile.ts';
import { configsDiffer } from '../../runtime/diff.ts';
import type { Services } from '../../services.ts';
import { FlowyteError, notFound } from '../../errors.ts';
import type { ToolContext } from '../types.ts';

export const agentSchema = z.object({
  id: z.string().describe('Agent id (agt_…).'),
  ...agentDraftShape,
  languages: z.array(z.string()).describe('Languages the agent may mirror; always includes the primary language.'),
  status: z.enum(['draft', 'published']).describe('published once any version has been published.'),
  version: z.number().int().describe('Draft version; send it as If-Match when updating.'),
  publishedVersionId: z.string().nullable().describe('The version live channels serve, if any.'),
  publishedVersionNumber: z.number().int().nullable().describe('Number of the live version.'),
  hasUnpublishedChanges: z
    .boolean()
    .describe('Whether publishing now would change what is live: the draft or anything attached (knowledge, skills, guardrails, playbooks) differs from the live version, or nothing is live yet.'),
  createdAt: z.string().describe('ISO 8601 creation time.'),
  updatedAt: z.string().describe('ISO 8601 time of the last change.'),
});

type CompileServices = Pick<Services, 'agents' | 'knowledge' | 'skills' | 'guardrails' | 'playbooks'>;

/**
 * Whether the compiled draft differs from the live version's config. Attached areas (knowledge,
 * skills, …) change without bumping the draft version, so the version numbers cannot tell.
 */
export function hasUnpublishedChanges(services: CompileServices, agent: AgentRecord): boolean {
  if (!agent.publishedVersionId) return true;
  const live = services.agents.findVersion(agent.orgId, agent.id, agent.publishedVersionId);
  return !live || configsDiffer(live.config, compileCurrent(services, agent));
}

/** The agent as the API returns it. */
export function presentAgent(services: CompileServices, agent: AgentRecord): z.input<typeof agentSchema> {
  return {
    id: agent.id,
    ...agent.draft,
    status: agent.publishedVersionId ? 'published' : 'draft',
    version: agent.version,
    publishedVersionId: agent.publishedVersionId,
    publishedVersionNumber: agent.publishedVersionNumber,
    hasUnpublishedChanges: hasUnpublishedChanges(services, agent),
    createdAt: agent.createdAt,
    updatedAt: agent.updatedAt,
  };
}

export const versionSchema = z.object({
  id: z.string().describe('Version id (agv_…).'),
  agentId: z.string().describe('The agent.'),
  number: z.number().int().describe('1, 2, 3… per agent.'),
  note: z.string().nullable().describe('What changed, as the publisher wrote it.'),
  publishedBy: z.string().describe('Id of the key or user that published.'),
  createdAt: z.string().describe('When it was published.'),
  isLive: z.boolean().describe('Whether live channels serve this version now.'),
});

export function presentVersion(version: AgentVersionRecord, liveVersionId: string | null): z.input<typeof versionSchema> {
  return {
    id: version.id,
    agentId: version.agentId,
    number: version.number,
    note: version.note,
    publishedBy: version.publishedBy,
    createdAt: version.createdAt,
    isLive: version.id === liveVersionId,
  };
}

/** The agent, or a 404 if it is not in the caller's org. */
export function loadAgent(context: ToolContext, id: string): AgentRecord {
  const agent = context.services.agents.find(context.org.id, id);
  if (!agent) throw notFound('agent', id);
  return agent;
}

/** The If-Match value as a draft version number: accepts 3, "3" and W/"3". */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(value.trim());
  if (!match) {
    throw new FlowyteError('validation_error', 'If-Match must be the agent version number', {
      errors: [{ field: 'ifMatch', message: 'must be a version number such as 3 or "3"' }],
    });
  }
  return Number(match[1]);
}

/** 409 carrying the current state, so the caller can rebase and retry. */
export function versionConflict(services: CompileServices, current: AgentRecord, detail: string): FlowyteError {
  return new FlowyteError('version_conflict', detail, {
    extensions: { currentVersion: current.version, agent: presentAgent(services, current) },
  });
}

export type { AgentDraft };
