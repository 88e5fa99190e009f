/** Connector Packs: read a provider's preset skills and guidance, and install the presets on an agent. */
import { z } from 'zod';
import { defineTool, idField } from '../define.ts';
import { loadAgent } from '../agents/present.ts';
import { presentSkill, skillSchema } from '../skills.ts';
import { kindField } from '../../runtime/integrations/connections.ts';
import { installPack, packOf } from '../../runtime/integrations/packs.ts';
import type { BindingSpec } from '../../runtime/integrations/bindings.ts';

const TOOLSET = 'integrations';

export const getIntegrationPack = defineTool({
  name: 'get_integration_pack',
  title: "Get a provider's preset pack",
  description:
    "A provider's Connector Pack: guidance on how its operations behave, how to recognize a caller and what it cannot do, and its preset skills (each an action or a binding, with the parameters it collects and the values it returns). Install the presets with install_integration_pack, or use the guidance to write your own bindings and playbooks. 404 when the provider ships no pack.",
  http: { method: 'GET', path: '/integrations/{kind}/pack' },
  scope: 'integrations:read',
  toolset: TOOLSET,
  flags: { readOnly: true, idempotent: true },
  input: z.object({ kind: kindField }),
  output: z.object({
    kind: z.string().describe('The provider.'),
    name: z.string().describe('Its display name.'),
    guidance: z
      .object({
        operations: z.string().describe('How its operations behave.'),
        callerIdentification: z.string().describe('How to recognize the person calling.'),
        limits: z.string().describe('What is not possible through it.'),
      })
      .describe('How to use the provider well.'),
    presets: z
      .array(
        z.object({
          id: z.string().describe('What to pass in presets to install it.'),
          name: z.string().describe('The skill name it installs as.'),
          description: z.string().describe('When the agent uses it.'),
          type: z.enum(['action', 'binding']).describe('A ready-made action, or a binding over the discovered schema.'),
          action: z.string().nullable().describe('For an action: its slug.'),
          operation: z.string().nullable().describe('For a binding: the operation it calls.'),
          parameters: z.array(z.string()).describe('What the agent collects (binding presets).'),
          leaves: z.array(z.string()).describe('What comes back to the agent (binding presets).'),
        }),
      )
      .describe('The presets, in install order.'),
  }),
  execute: async (input) => {
    const { provider, pack } = packOf(input.kind);
    const presets = pack.presets.map((preset) => {
      const binding = preset.binding as unknown as BindingSpec | undefined;
      return {
        id: preset.id,
        name: preset.name,
        description: preset.description,
        type: binding ? ('binding' as const) : ('action' as const),
        action: preset.action ?? null,
        operation: binding?.operation ?? null,
        parameters: (binding?.inputs ?? []).map((mapping) => mapping.param),
        leaves: (binding?.projection ?? []).map((item) => item.leaf),
      };
    });
    return { kind: provider.kind, name: provider.name, guidance: pack.guidance, presets };
  },
});

export const installIntegrationPack = defineTool({
  name: 'install_integration_pack',
  title: "Install a provider's preset skills",
  description:
    "Installs a provider's Connector Pack presets (all, or the ones named) as skills on the agent's draft, discovering the provider first when its schema has not been read yet. Safe to repeat: a preset the agent already has comes back with created false. Reads install enabled; writes land disabled for review. 404 for an unknown agent or a provider without a pack, 409 integration_not_connected.",
  http: { method: 'POST', path: '/agents/{agentId}/integrations/{kind}/pack/install' },
  scope: 'skills:write',
  toolset: TOOLSET,
  flags: { list: true, idempotent: true, openWorld: true },
  input: z.object({
    agentId: idField('The agent id (agt_…).'),
    kind: kindField,
    presets: z.array(z.string().min(1).max(64).describe('A preset id from get_integration_pack.')).min(1).max(50).optional().describe('The presets to install; omit for all of them.'),
  }),
  output: z.object({
    items: z
      .array(
        z.object({
          preset: z.string().describe('The preset id.'),
          created: z.boolean().describe('False when the agent already had it (left unchanged).'),
          skill: skillSchema.describe('The skill.'),
        }),
      )
      .describe('One per preset, in install order.'),
  }),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const installed = await installPack(context.services, context.org.id, agent.id, input.kind, input.presets, context.signal);
    return { items: installed.map(({ preset, created, skill }) => ({ preset, created, skill: presentSkill(skill) })) };
  },
});
