/** Bindings: map a discovered operation onto an agent's parameters by hand, or auto-map one from a goal. */
import { z } from 'zod';
import { defineTool, idField } from '../define.ts';
import { loadAgent } from '../agents/present.ts';
import { presentSkill, skillSchema } from '../skills.ts';
import { kindField } from '../../runtime/integrations/connections.ts';
import { bindingSpecShape, createBinding, type CreatedBinding } from '../../runtime/integrations/bindings.ts';
import { autoMapBinding } from '../../runtime/integrations/automap.ts';

const TOOLSET = 'integrations';
const agentId = idField('The agent id (agt_…).');

const summaryOutput = z
  .object({
    operation: z.string().describe('The operation the skill calls.'),
    mode: z.enum(['read', 'insert', 'update']).describe('read has no side effect; insert and update write (and are saved disabled).'),
    object: z.string().describe('The object it returns or changes.'),
    returns: z.enum(['one', 'many']).describe('One record ({ found, …leaves }) or a list ({ count, results }).'),
    args: z.array(z.object({ param: z.string().describe('The agent parameter.'), arg: z.string().describe('The argument it fills.') })).describe('The mapping.'),
    leaves: z.array(z.string()).describe('The names the agent gets values under.'),
  })
  .describe('What the binding compiled to.');

const bindingOutput = skillSchema.extend({ binding: summaryOutput });

const present = ({ skill, summary }: CreatedBinding) => ({ ...presentSkill(skill), binding: summary });

export const createIntegrationBinding = defineTool({
  name: 'create_integration_binding',
  title: "Map an integration's fields to a skill",
  description:
    "Makes a skill from a discovered operation: inputs say which agent parameter fills which argument (map onto canonical parameters such as caller_phone or service_address where they fit), projection which provider field comes back under which leaf name. It is checked against the schema as scoping leaves it (a scoped-out or unknown field is refused, with errors naming the request field) and lands on the agent's draft, disabled unless enabled is true; writes (insert, update) always land disabled and ask the person to confirm. 409 integration_not_connected, 404 schema_not_discovered before discovery.",
  http: { method: 'POST', path: '/agents/{agentId}/integrations/{kind}/bindings', successStatus: 201 },
  scope: 'skills:write',
  toolset: TOOLSET,
  input: z.object({ agentId, kind: kindField, ...bindingSpecShape }),
  output: bindingOutput,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const { agentId: _agent, kind, ...spec } = input;
    return present(createBinding(context.services, context.org.id, agent.id, kind, spec));
  },
});

export const autoMapIntegrationBinding = defineTool({
  name: 'auto_map_integration_binding',
  title: 'Auto-map a binding from a goal',
  description:
    "Proposes a binding for a plain-language goal (\"look up a caller by phone and return their open jobs\") over the discovered schema as scoping leaves it: the configured language model picks the operation, the input mapping and the projection (an offline word matcher does without one), the proposal is checked like create_integration_binding, and it is saved disabled on the agent's draft for review. 422 unprocessable when no valid binding can be made; 404 schema_not_discovered before discovery.",
  http: { method: 'POST', path: '/agents/{agentId}/integrations/{kind}/bindings/auto', successStatus: 201 },
  scope: 'skills:write',
  toolset: TOOLSET,
  flags: { openWorld: true },
  input: z.object({
    agentId,
    kind: kindField,
    goal: z.string().trim().min(3).max(1000).describe('What the skill should do, in words: what to look up (or create) by what, and what to return.'),
  }),
  output: bindingOutput.extend({ proposedBy: z.enum(['model', 'matcher']).describe('Who proposed it: the language model, or the offline matcher.') }),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const mapped = await autoMapBinding(context.services, context.org.id, agent.id, input.kind, input.goal, context.signal);
    return { ...present(mapped), proposedBy: mapped.proposedBy };
  },
});
