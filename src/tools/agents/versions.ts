/** Publish, version history, rollback, diff and the pre-publish report. */
import { z } from 'zod';
import { defineTool, idField, idempotencyKeyField, ifMatchField, listOf, pageInput, pageOf, paginate } from '../define.ts';
import { compileCurrent } from '../../runtime/compile.ts';
import { diffConfigs } from '../../runtime/diff.ts';
import { prepublishReport } from '../../runtime/prepublish-report.ts';
import { requirePassingProbes } from '../../runtime/probe/publish-gate.ts';
import { notFound } from '../../errors.ts';
import { agentSchema, loadAgent, parseIfMatch, presentAgent, presentVersion, versionConflict, versionSchema } from './present.ts';
import type { ToolContext } from '../types.ts';

const agentId = idField('The agent id (agt_…).');

const diffEntrySchema = z.object({
  field: z.string().describe('Dotted path of the field, e.g. agent.handoffConfig.warm.'),
  before: z.unknown().describe('Value in the version (null when added).'),
  after: z.unknown().describe('Value in the draft (null when removed).'),
  kind: z.enum(['added', 'removed', 'changed']).describe('What happened to the field.'),
});

function loadVersion(context: ToolContext, agentIdValue: string, versionId: string) {
  const version = context.services.agents.findVersion(context.org.id, agentIdValue, versionId);
  if (!version) throw notFound('version', versionId);
  return version;
}

export const publishAgent = defineTool({
  name: 'publish_agent',
  title: 'Publish an agent',
  description:
    'Compiles the current draft into a new immutable, numbered version and makes it the one phone and chat serve. Add a note saying what changed. Retry safely with an Idempotency-Key; pass If-Match to publish only the draft version you reviewed. With requireProbes, every probe scenario saved on the agent first runs against the draft, and any failure refuses the publish (409 probe_failed, listing the failed scenarios and gates); an agent with no saved scenarios publishes as usual.',
  http: { method: 'POST', path: '/agents/{id}/publish', successStatus: 201 },
  scope: 'agents:write',
  toolset: 'agents',
  flags: { destructive: true, idempotencyKey: true, ifMatch: true },
  input: z.object({
    id: agentId,
    note: z.string().max(500).optional().describe('What changed in this version.'),
    // Optional rather than defaulted: an absent field keeps the Idempotency-Key hash of earlier publishes.
    requireProbes: z.boolean().optional().describe('Publish only if every saved probe scenario passes against the draft (default false).'),
    ifMatch: ifMatchField,
    idempotencyKey: idempotencyKeyField,
  }),
  output: versionSchema,
  execute: async (input, context) => {
    const { operation } = context;
    // A publish whose process died after its write: the version it made is the answer.
    const earlier = operation?.effect ? context.services.agents.findVersion(context.org.id, input.id, operation.effect) : undefined;
    if (earlier) return presentVersion(earlier, earlier.id);
    const expected = parseIfMatch(input.ifMatch);
    // Exactly the draft version the probes passed on is published (a change meanwhile is a conflict).
    const probed = input.requireProbes ? await requirePassingProbes(context.services, loadAgent(context, input.id), expected, context.signal) : undefined;
    const result = context.services.agents.publish(context.org.id, input.id, expected ?? probed, (agent) => ({
      note: input.note ?? null,
      publishedBy: context.actor.id,
      config: compileCurrent(context.services, agent),
    }), (version) => operation?.record(version.id));
    if (result.status === 'not_found') throw notFound('agent', input.id);
    if (result.status === 'conflict') {
      throw versionConflict(context.services, result.current, `the draft is at version ${result.current.version}, not ${expected ?? probed}; review it and publish again`);
    }
    const { id, agentId, number, note } = result.version;
    context.services.events.record(context.org.id, 'agent.published', { agentId, versionId: id, number, note });
    return presentVersion(result.version, result.version.id);
  },
});

export const listAgentVersions = defineTool({
  name: 'list_agent_versions',
  title: 'List agent versions',
  description: 'Lists the published versions of an agent, newest first, and which one is live.',
  http: { method: 'GET', path: '/agents/{id}/versions' },
  scope: 'agents:read',
  toolset: 'agents',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ id: agentId, ...pageInput }),
  output: pageOf(versionSchema),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.id);
    return paginate(
      context,
      input,
      (page) => context.services.agents.listVersions(context.org.id, agent.id, page),
      (version) => presentVersion(version, agent.publishedVersionId),
    );
  },
});

export const rollbackAgent = defineTool({
  name: 'rollback_agent',
  title: 'Roll back to a previous version',
  description:
    'Makes an earlier published version live again, at once and without recompiling. The draft is left as it is.',
  http: { method: 'POST', path: '/agents/{id}/rollback' },
  scope: 'agents:write',
  toolset: 'agents',
  flags: { destructive: true, idempotent: true },
  input: z.object({ id: agentId, versionId: idField('The version to make live (agv_…).') }),
  output: agentSchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.id);
    const version = loadVersion(context, agent.id, input.versionId);
    context.services.agents.repoint(context.org.id, agent.id, version.id);
    return presentAgent(context.services, loadAgent(context, agent.id));
  },
});

export const diffAgentVersion = defineTool({
  name: 'diff_agent_version',
  title: 'Compare a version with the draft',
  description: 'Lists every field that differs between a published version and the current draft, to review before publishing.',
  http: { method: 'GET', path: '/agents/{id}/versions/{versionId}/diff' },
  scope: 'agents:read',
  toolset: 'agents',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({ id: agentId, versionId: idField('The version to compare (agv_…).') }),
  output: listOf(diffEntrySchema, 'Differences, sorted by field.', {
    versionId: z.string().describe('The compared version.'),
    versionNumber: z.number().int().describe('Its number.'),
    draftVersion: z.number().int().describe('The draft version compared against.'),
  }),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.id);
    const version = loadVersion(context, agent.id, input.versionId);
    return {
      versionId: version.id,
      versionNumber: version.number,
      draftVersion: agent.version,
      items: diffConfigs(version.config, compileCurrent(context.services, agent)),
    };
  },
});

export const getPrepublishReport = defineTool({
  name: 'get_prepublish_report',
  title: 'Get the pre-publish report',
  description:
    'Summarizes, from the compiled draft, what the agent will say and refuse, which data leaves the platform and where, its guardrails, knowledge coverage, warnings, and what changed since the live version.',
  http: { method: 'GET', path: '/agents/{id}/prepublish-report' },
  scope: 'agents:read',
  toolset: 'agents',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ id: agentId }),
  output: z.object({
    agentId: z.string().describe('The agent.'),
    draftVersion: z.number().int().describe('The draft version the report describes.'),
    liveVersionNumber: z.number().int().nullable().describe('The live version compared against, if any.'),
    willSay: z.array(z.string()).describe('What the agent will say.'),
    wontSay: z.array(z.string()).describe('What it refuses to say or do.'),
    dataLeaves: z
      .array(
        z.object({
          skill: z.string().describe('What sends the data (a skill or a handoff rule).'),
          fields: z.array(z.string()).describe('Which fields leave.'),
          destination: z.string().describe('Where they go.'),
        }),
      )
      .describe('Which fields leave the platform, through what, to where.'),
    guardrails: z
      .array(z.object({ name: z.string().describe('Guardrail name.'), summary: z.string().describe('What it enforces.') }))
      .describe('Active guardrails.'),
    knowledgeCoverage: z
      .object({
        sources: z.number().int().describe('Knowledge sources attached.'),
        indexedSources: z.number().int().describe('Of those, how many are indexed.'),
        note: z.string().describe('Coverage in a sentence.'),
      })
      .describe('Knowledge the agent answers from.'),
    warnings: z
      .array(z.object({ code: z.string().describe('Stable warning code.'), message: z.string().describe('What to fix.') }))
      .describe('Things to fix before going live.'),
    changesSinceLive: z.array(diffEntrySchema).nullable().describe('Diff against the live version; null if never published.'),
  }),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.id);
    const config = compileCurrent(context.services, agent);
    const live = agent.publishedVersionId ? loadVersion(context, agent.id, agent.publishedVersionId) : undefined;
    return {
      agentId: agent.id,
      draftVersion: agent.version,
      liveVersionNumber: live?.number ?? null,
      ...prepublishReport(config, live ? diffConfigs(live.config, config) : null),
    };
  },
});

