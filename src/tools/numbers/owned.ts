/** Numbers you own: list them, point them at an agent, move them back to the pool, give them up. */
import { z } from 'zod';
import { defineTool, deletedOutput, idField, pageInput, paginate, pageOf } from '../define.ts';
import { releaseNumber, requireAgent } from '../../runtime/numbers/orders.ts';
import { TOOLSET, loadNumber, ownedNumberSchema, presentOwned } from './present.ts';

const numberId = idField('The number id (num_…).');

export const listNumbers = defineTool({
  name: 'list_numbers',
  title: 'List your phone numbers',
  description: 'Lists the numbers you own, newest first, with the agent each one rings and its monthly cost. Filter by agent or by status (assigned, or available in your pool).',
  http: { method: 'GET', path: '/numbers' },
  scope: 'numbers:read',
  toolset: TOOLSET,
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({
    agentId: idField('Only the numbers this agent (agt_…) answers.').optional(),
    status: z.enum(['available', 'assigned']).optional().describe('assigned, or available (in your pool).'),
    ...pageInput,
  }),
  output: pageOf(ownedNumberSchema),
  execute: async (input, context) => {
    const { services, org } = context;
    if (input.agentId) requireAgent(services, org.id, input.agentId);
    return paginate(context, input, (page) => services.numbers.list(org.id, { agentId: input.agentId, status: input.status }, page), presentOwned);
  },
});

export const assignNumber = defineTool({
  name: 'assign_number',
  title: 'Assign a number to an agent',
  description: "Points a number you own at an agent, so that the agent answers its calls (the agent's published version; publish before taking calls). Replaces any earlier assignment.",
  http: { method: 'POST', path: '/numbers/{id}/assign' },
  scope: 'numbers:write',
  toolset: TOOLSET,
  flags: { idempotent: true },
  input: z.object({ id: numberId, agentId: idField('The agent (agt_…) that should answer.') }),
  output: ownedNumberSchema,
  execute: async (input, context) => {
    const { services, org } = context;
    const number = loadNumber(context, input.id);
    requireAgent(services, org.id, input.agentId);
    services.numbers.assign(number.id, input.agentId);
    return presentOwned(loadNumber(context, number.id));
  },
});

export const unassignNumber = defineTool({
  name: 'unassign_number',
  title: 'Unassign a number',
  description: 'Detaches a number from its agent and keeps it in your pool (status available): you still own it and pay its rent, and can assign it again any time. Calls to it reach nobody meanwhile.',
  http: { method: 'DELETE', path: '/numbers/{id}/assign' },
  scope: 'numbers:write',
  toolset: TOOLSET,
  flags: { destructive: true, idempotent: true },
  input: z.object({ id: numberId }),
  output: ownedNumberSchema,
  execute: async (input, context) => {
    const number = loadNumber(context, input.id);
    context.services.numbers.assign(number.id, null);
    return presentOwned(loadNumber(context, number.id));
  },
});

export const releaseNumberTool = defineTool({
  name: 'release_number',
  title: 'Release a number',
  description: 'Gives a number up for good: a bought number goes back to the carrier and its rent stops; an imported one is no longer routed here. It cannot be undone, and anyone may then buy the number. To keep it, unassign it instead.',
  http: { method: 'DELETE', path: '/numbers/{id}' },
  scope: 'numbers:write',
  toolset: TOOLSET,
  flags: { destructive: true, openWorld: true },
  input: z.object({ id: numberId }),
  output: deletedOutput('number'),
  execute: async (input, context) => {
    const number = loadNumber(context, input.id);
    await releaseNumber(context.services, number);
    return { id: number.id, deleted: true as const };
  },
});
