/** Usage: daily records of what agents used, and the itemized charges behind them. */
import { z } from 'zod';
import { defineTool, idField, pageInput, pageOf, paginate } from '../define.ts';
import { isoWindow, timeField } from '../observe/time.ts';
import type { DailyUsage, UsageItem } from '../../store/usage.ts';

const toUsd = (cents: number) => cents / 100;

const windowFields = {
  from: timeField('Start of the window, inclusive: an ISO 8601 date (midnight UTC) or a date-time with a zone. Omit for no lower bound.'),
  to: timeField('End of the window, exclusive; must be later than from. Omit for no upper bound.'),
  agentId: idField('Only this agent\'s usage.').optional(),
};

const recordSchema = z.object({
  id: z.string().describe('The record\'s key: its date and agent.'),
  date: z.string().describe('The UTC day (YYYY-MM-DD).'),
  agentId: z.string().nullable().describe('The agent; null for charges of no agent (such as the rental of a number not assigned to one).'),
  voiceMinutes: z.number().int().describe('Voice minutes billed (per started minute of each call).'),
  includedMinutes: z.number().int().describe('Of those, minutes the plan included at no charge.'),
  tollFreeMinutes: z.number().int().describe('Minutes received on toll-free numbers (each adds the toll-free surcharge).'),
  transferMinutes: z.number().int().describe('Minutes of forwarded calls.'),
  chatMessages: z.number().int().describe('Agent replies in live chat.'),
  numberCharges: z.number().int().describe('Number rental and setup charges.'),
  credits: z.number().int().describe('Credits charged (1 credit = $0.01).'),
  costUsd: z.number().describe('The same in US dollars.'),
});

const itemSchema = z.object({
  id: z.string().describe('Usage item id (use_…).'),
  createdAt: z.string().describe('When it was charged.'),
  channel: z.enum(['voice', 'chat', 'transfer_minute', 'number']).describe('What was used.'),
  kind: z
    .enum(['voice_minute', 'toll_free_minute', 'chat_message', 'transfer_minute', 'number_rental', 'number_setup'])
    .describe('The priced unit: voice minutes, the toll-free surcharge, a chat reply, forwarded minutes, a month of a number, a number setup.'),
  quantity: z.number().int().describe('Units used.'),
  includedQuantity: z.number().int().describe('Units the plan included at no charge (voice minutes).'),
  unitCents: z.number().int().describe('The price of one unit beyond the included ones, in credits.'),
  credits: z.number().int().describe('Credits charged for this item.'),
  costUsd: z.number().describe('The same in US dollars.'),
  agentId: z.string().nullable().describe('The agent that used it, if any.'),
  conversationId: z.string().nullable().describe('The conversation it belongs to, if any.'),
  numberId: z.string().nullable().describe('The phone number it belongs to, if any.'),
});

function presentRecord(record: DailyUsage): z.input<typeof recordSchema> {
  return { ...record, costUsd: toUsd(record.credits) };
}

function presentItem(item: UsageItem): z.input<typeof itemSchema> {
  const { orgId: _org, idempotencyKey: _key, ...rest } = item;
  return { ...rest, costUsd: toUsd(item.credits) };
}

export const listUsageRecords = defineTool({
  name: 'list_usage_records',
  title: 'List usage records',
  description: 'Daily usage, newest day first: one record per UTC day and agent with the minutes, replies and number charges billed and what they cost. Filter by window and agent.',
  http: { method: 'GET', path: '/billing/usage' },
  scope: 'billing:read',
  toolset: 'billing',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ ...windowFields, ...pageInput }),
  output: pageOf(recordSchema),
  execute: async (input, context) => {
    const filter = { orgId: context.org.id, agentId: input.agentId, ...isoWindow(input) };
    return paginate(context, input, (page) => context.services.usage.daily(filter, page), presentRecord);
  },
});

export const listUsageItems = defineTool({
  name: 'list_usage_items',
  title: 'List itemized usage charges',
  description: 'Every charge in a window, newest first: one per call, chat reply, transfer and number month, with its quantity, what the plan included and the credits taken.',
  http: { method: 'GET', path: '/billing/usage/items' },
  scope: 'billing:read',
  toolset: 'billing',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({
    ...windowFields,
    channel: z.enum(['voice', 'chat', 'transfer_minute', 'number']).optional().describe('Only this channel.'),
    ...pageInput,
  }),
  output: pageOf(itemSchema),
  execute: async (input, context) => {
    const filter = { orgId: context.org.id, agentId: input.agentId, channel: input.channel, ...isoWindow(input) };
    return paginate(context, input, (page) => context.services.usage.items(filter, page), presentItem);
  },
});
