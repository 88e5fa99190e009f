/**
 * Analytics: an agent's card, daily trends, the account overview and the per-agent leaderboard.
 * Days are UTC days; test (draft) conversations never count.
 */
import { z } from 'zod';
import { timeField } from './time.ts';
import { defineTool, idField } from '../define.ts';
import { FlowyteError } from '../../errors.ts';
import { loadAgent } from '../agents/present.ts';
import type { ToolContext } from '../types.ts';
import type { Channel } from '../../store/conversations.ts';
import type { AnalyticsFilter, ConversationTally } from '../../store/analytics.ts';

const DAY_MS = 86_400_000;
const DEFAULT_SERIES_DAYS = 30;
const MAX_SERIES_DAYS = 366;

const windowInput = (defaults: { from: string; to: string }) => ({
  from: timeField(`Start of the window, inclusive: an ISO 8601 date (midnight UTC) or date-time with a zone. ${defaults.from}`),
  to: timeField(`End of the window, exclusive (to=2025-04-01 counts through March 31, UTC); must be later than from. ${defaults.to}`),
  channel: z.enum(['chat', 'voice']).optional().describe('Count only chat or only voice conversations (and that channel\'s usage); omit for both.'),
});
const totalsWindow = windowInput({ from: 'Omit for no lower bound.', to: 'Omit for no upper bound.' });
const seriesWindow = windowInput({
  from: `Default: ${DEFAULT_SERIES_DAYS} days before to. At most ${MAX_SERIES_DAYS} days in one request.`,
  to: 'Default: the end of today (UTC), so the default is the last 30 days including today.',
});

const ticketInput = {
  avgTicketCents: z.number().int().min(0).max(100_000_000).optional()
    .describe('Your average ticket in US cents (12550 = $125.50), to value recovered revenue. Wins over avgTicketUsd when both are given.'),
  avgTicketUsd: z.number().min(0).max(1_000_000).optional().describe('Your average ticket in US dollars (125.5), when avgTicketCents is not given.'),
};

const agentId = idField('The agent id (agt_…).');
const count = (description: string) => z.number().int().describe(description);
const rate = (what: string) => z.number().describe(`${what} ÷ total, from 0 to 1 rounded to 4 decimals; 0 when total is 0.`);

const windowOutput = {
  from: z.string().nullable().describe('Start of the window (inclusive, ISO 8601 UTC); null when unbounded.'),
  to: z.string().nullable().describe('End of the window (exclusive, ISO 8601 UTC); null when unbounded.'),
  channel: z.enum(['chat', 'voice']).nullable().describe('The channel counted; null for both.'),
};
const outcomeOutput = {
  total: count('Conversations started in the window (a conversation counts on the UTC day it started), test (draft) conversations excluded; includes conversations still in progress.'),
  answered: count('Conversations where the person got an answer: outcome contained, transferred or answered.'),
  missed: count('Conversations where the person got no answer: outcome missed or abandoned. A conversation still in progress is neither answered nor missed.'),
  contained: count('Conversations the agent handled itself to the end (outcome contained).'),
  transferred: count('Conversations handed to a person (outcome transferred).'),
  answerRate: rate('answered'),
  containmentRate: rate('contained'),
  transferRate: rate('transferred'),
};
const splitOutput = {
  chatConversations: count('Of total, chat conversations (sessions, widget, completions, chat simulations).'),
  voiceConversations: count('Of total, voice conversations (calls and voice simulations).'),
};
const spendOutput = z.number().describe(
  'What the usage charged in the window cost, in US dollars: the credits of its usage items (see list_usage_items), at the prices of the plan in force. Usage counts when it is charged: a voice call at its end.',
);
const revenueOutput = {
  avgTicketUsd: z.number().nullable().describe('The average ticket used, in US dollars (avgTicketCents ÷ 100 when given, else avgTicketUsd); null when neither was given.'),
  recoveredRevenueUsd: z.number().describe('answered × the average ticket, in US dollars rounded to the cent; 0 when no ticket was given.'),
};
export const bucketSchema = z.object({
  date: z.string().describe('The UTC day, YYYY-MM-DD.'),
  conversations: count('Conversations started that day (test conversations excluded).'),
  ...splitOutput,
  spendUsd: spendOutput,
});

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const ratio = (part: number, total: number) => (total === 0 ? 0 : round(part / total, 4));
const centsToUsd = (cents: number) => round(cents / 100, 4);

function invalid(field: string, message: string): FlowyteError {
  return new FlowyteError('validation_error', `${field} ${message}`, { errors: [{ field, message }] });
}

interface WindowFields {
  from?: string;
  to?: string;
  channel?: Channel;
}

/** The store's filter for a window, checked: `to` must come after `from`. */
function filterOf(context: ToolContext, window: { from?: Date; to?: Date; channel?: Channel }, agent?: string, toNote = ''): AnalyticsFilter {
  const { from, to, channel } = window;
  if (from && to && to.getTime() <= from.getTime()) throw invalid('to', `${toNote}must be later than from`);
  return { orgId: context.org.id, agentId: agent, from: from?.toISOString(), to: to?.toISOString(), channel };
}

function describeWindow(filter: AnalyticsFilter) {
  return { from: filter.from ?? null, to: filter.to ?? null, channel: filter.channel ?? null };
}

function outcomes(tally: ConversationTally) {
  const { total, answered, missed, contained, transferred } = tally;
  return {
    total, answered, missed, contained, transferred,
    answerRate: ratio(answered, total),
    containmentRate: ratio(contained, total),
    transferRate: ratio(transferred, total),
  };
}

function revenue(answered: number, input: { avgTicketCents?: number; avgTicketUsd?: number }) {
  const ticketCents = input.avgTicketCents ?? (input.avgTicketUsd === undefined ? undefined : input.avgTicketUsd * 100);
  if (ticketCents === undefined) return { avgTicketUsd: null, recoveredRevenueUsd: 0 };
  return { avgTicketUsd: round(ticketCents / 100, 4), recoveredRevenueUsd: Math.round(answered * ticketCents) / 100 };
}

/** Every UTC day the window touches, oldest first. */
function daysOf(from: Date, to: Date): string[] {
  const first = Math.floor(from.getTime() / DAY_MS);
  const count = Math.ceil(to.getTime() / DAY_MS) - first;
  if (count > MAX_SERIES_DAYS) throw invalid('from', `is more than ${MAX_SERIES_DAYS} days before to`);
  return Array.from({ length: count }, (_, index) => new Date((first + index) * DAY_MS).toISOString().slice(0, 10));
}

/** Daily buckets over the (defaulted) window, every day present, zeros included. */
function timeseries(context: ToolContext, input: WindowFields, agent?: string) {
  const endOfToday = (Math.floor(context.services.now().getTime() / DAY_MS) + 1) * DAY_MS;
  const to = new Date(input.to ?? endOfToday);
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - DEFAULT_SERIES_DAYS * DAY_MS);
  const filter = filterOf(context, { from, to, channel: input.channel }, agent, input.to ? '' : '(by default the end of today, UTC) ');
  const days = daysOf(from, to);
  const { analytics } = context.services;
  const conversations = new Map(analytics.daily(filter).map((day) => [day.date, day]));
  const spend = analytics.spendCents(filter, 'day');
  return {
    ...describeWindow(filter),
    items: days.map((date) => {
      const { chat = 0, voice = 0 } = conversations.get(date) ?? {};
      return { date, conversations: chat + voice, chatConversations: chat, voiceConversations: voice, spendUsd: centsToUsd(spend.get(date) ?? 0) };
    }),
  };
}

/** The totals window: both ends optional. */
function totalsFilter(context: ToolContext, input: WindowFields, agent?: string): AnalyticsFilter {
  const date = (value?: string) => (value === undefined ? undefined : new Date(value));
  return filterOf(context, { from: date(input.from), to: date(input.to), channel: input.channel }, agent);
}

const READ_ONLY = { readOnly: true, idempotent: true } as const;

export const getAgentAnalytics = defineTool({
  name: 'get_agent_analytics',
  title: 'Get agent analytics',
  description:
    'The answer-first card of one agent: how many conversations it had, how many got an answer or were missed, containment and transfer rates, and the revenue recovered at your average ticket. Test (draft) conversations are left out.',
  http: { method: 'GET', path: '/agents/{agentId}/analytics' },
  scope: 'analytics:read',
  toolset: 'observe',
  flags: READ_ONLY,
  input: z.object({ agentId, ...totalsWindow, ...ticketInput }),
  output: z.object({ agentId: z.string().describe('The agent.'), ...windowOutput, ...outcomeOutput, ...revenueOutput }),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const filter = totalsFilter(context, input, agent.id);
    const tally = context.services.analytics.tally(filter);
    return { agentId: agent.id, ...describeWindow(filter), ...outcomes(tally), ...revenue(tally.answered, input) };
  },
});

export const getAgentAnalyticsTimeseries = defineTool({
  name: 'get_agent_analytics_timeseries',
  title: 'Get agent trend over time',
  description: 'One agent\'s conversations and spend per UTC day, oldest first, every day of the window present (zeros included). Only daily buckets.',
  http: { method: 'GET', path: '/agents/{agentId}/analytics/timeseries' },
  scope: 'analytics:read',
  toolset: 'observe',
  flags: { ...READ_ONLY, list: true },
  input: z.object({ agentId, ...seriesWindow }),
  output: z.object({
    agentId: z.string().describe('The agent.'),
    ...windowOutput,
    items: z.array(bucketSchema).describe('One bucket per UTC day, oldest first.'),
  }),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    return { agentId: agent.id, ...timeseries(context, input, agent.id) };
  },
});

export const getAnalyticsTimeseries = defineTool({
  name: 'get_analytics_timeseries',
  title: 'Get account trend over time',
  description: 'The whole account\'s conversations and spend per UTC day, oldest first, every day of the window present (zeros included). Only daily buckets.',
  http: { method: 'GET', path: '/analytics/timeseries' },
  scope: 'analytics:read',
  toolset: 'observe',
  flags: { ...READ_ONLY, list: true },
  input: z.object(seriesWindow),
  output: z.object({ ...windowOutput, items: z.array(bucketSchema).describe('One bucket per UTC day, oldest first.') }),
  execute: async (input, context) => timeseries(context, input),
});

export const getAnalyticsOverview = defineTool({
  name: 'get_analytics_overview',
  title: 'Get account analytics overview',
  description:
    'Account-wide totals across every agent (deleted agents\' past conversations included): conversations answered and missed, answer, containment and transfer rates, the chat/voice split, active agents, spend, and recovered revenue at your average ticket.',
  http: { method: 'GET', path: '/analytics/overview' },
  scope: 'analytics:read',
  toolset: 'observe',
  flags: READ_ONLY,
  input: z.object({ ...totalsWindow, ...ticketInput }),
  output: z.object({
    ...windowOutput,
    ...outcomeOutput,
    ...splitOutput,
    activeAgents: count('Agents with at least one counted conversation in the window.'),
    spendUsd: spendOutput,
    ...revenueOutput,
  }),
  execute: async (input, context) => {
    const filter = totalsFilter(context, input);
    const { analytics } = context.services;
    const tally = analytics.tally(filter);
    return {
      ...describeWindow(filter),
      ...outcomes(tally),
      chatConversations: tally.chat,
      voiceConversations: tally.voice,
      activeAgents: tally.agents,
      spendUsd: centsToUsd(analytics.spendCents(filter, 'all').get('') ?? 0),
      ...revenue(tally.answered, input),
    };
  },
});

export const getAnalyticsByAgent = defineTool({
  name: 'get_analytics_by_agent',
  title: 'Get analytics per agent',
  description:
    'A leaderboard: one row per agent of the account (deleted agents left out), with its conversation counts, rates, last conversation and spend. Agents with no conversations in the window are listed with zeros. Most conversations first, then by name.',
  http: { method: 'GET', path: '/analytics/by-agent' },
  scope: 'analytics:read',
  toolset: 'observe',
  flags: { ...READ_ONLY, list: true },
  input: z.object(totalsWindow),
  output: z.object({
    ...windowOutput,
    items: z
      .array(
        z.object({
          agentId: z.string().describe('The agent.'),
          name: z.string().describe('Its name.'),
          ...outcomeOutput,
          ...splitOutput,
          lastConversationAt: z.string().nullable().describe('When its latest counted conversation started; null when none in the window.'),
          spendUsd: spendOutput,
        }),
      )
      .describe('One row per agent: most conversations first, then by name.'),
  }),
  execute: async (input, context) => {
    const filter = totalsFilter(context, input);
    const { analytics } = context.services;
    const spend = analytics.spendCents(filter, 'agent');
    return {
      ...describeWindow(filter),
      items: analytics.tallyByAgent(filter).map((tally) => ({
        agentId: tally.agentId,
        name: tally.name,
        ...outcomes(tally),
        chatConversations: tally.chat,
        voiceConversations: tally.voice,
        lastConversationAt: tally.lastStartedAt,
        spendUsd: centsToUsd(spend.get(tally.agentId) ?? 0),
      })),
    };
  },
});
