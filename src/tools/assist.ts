/** The copilot over REST and MCP: the account copilot, an agent's assistant, and their threads. */
import { z } from 'zod';
import { defineTool, idField, pageInput, pageOf, paginate } from './define.ts';
import { FlowyteError, notFound } from '../errors.ts';
import type { AssistRequest, AssistSession } from '../runtime/assist/loop.ts';
import type { ToolContext } from './types.ts';
import type { AssistThread } from '../store/assist.ts';

const TOOLSET = 'assist';
const actionIds = (what: string) => z.array(idField('An action id (act_…).')).max(20).default([]).describe(what);

const requestFields = {
  message: z.string().trim().min(1).max(4000).optional().describe('What you want done or want to know, in plain words. Optional when only confirming or rejecting.'),
  threadId: idField('Continue this thread (ath_…); omit to start a new one. Needed to confirm or reject.').optional(),
  confirm: actionIds('Pending actions of the thread to run now, exactly as they were paused.'),
  confirmed: z
    .boolean()
    .default(false)
    .describe('true resends the paused actions marked as confirmed: every action still pending on the thread (less those in reject) runs once, exactly as paused, and a resent message is not planned again.'),
  reject: actionIds('Pending actions of the thread to drop.'),
  stream: z.boolean().default(false).describe('Answer with server-sent events (tools offered, tool calls, pending actions, reply tokens) ending with the result.'),
};

const pendingSchema = z.object({
  id: z.string().describe('Action id: send it in confirm (or reject) on the same thread.'),
  tool: z.string().describe('The tool that would run.'),
  input: z.record(z.string(), z.unknown()).describe('The exact input it would run with.'),
  summary: z.string().describe('What it would do, in one line.'),
});

export const outcomeSchema = z.object({
  threadId: z.string().describe('The thread (ath_…), to continue or confirm on.'),
  reply: z.string().describe("The copilot's answer."),
  toolCalls: z
    .array(
      z.object({
        tool: z.string().describe('Tool called.'),
        input: z.record(z.string(), z.unknown()).describe('With this input.'),
        status: z.enum(['ok', 'failed', 'pending']).describe('ok, failed, or pending (paused for confirmation: it did not run).'),
        actionId: z.string().optional().describe('The action it paused as, or ran for.'),
        problem: z.object({ code: z.string(), detail: z.string() }).optional().describe('Why it failed.'),
      }),
    )
    .describe('Every tool call of this request, in order.'),
  changes: z
    .array(
      z.object({
        tool: z.string().describe('Tool that changed something.'),
        summary: z.string().describe('What it did.'),
        id: z.string().nullable().describe('What it made or touched, when it has an id.'),
        actionId: z.string().nullable().describe('The confirmed action it ran for, if any.'),
      }),
    )
    .describe('What was changed (the draft, the account), in order.'),
  pendingActions: z.array(pendingSchema).describe('Destructive steps waiting for confirmation.'),
});

/** The copilot's session for a tool call: the caller, and the whole registry (imported late: the registry lists these tools). */
async function sessionOf(context: ToolContext): Promise<AssistSession> {
  const { TOOLS } = await import('./index.ts');
  return { services: context.services, actor: context.actor, requestId: context.requestId, tools: TOOLS, emit: context.emit, signal: context.signal };
}

async function assist(context: ToolContext, request: AssistRequest) {
  // The copilot loop (with the MCP server SDK it shares confirm summaries with) loads on first use.
  const { runAssist } = await import('../runtime/assist/loop.ts');
  return runAssist(await sessionOf(context), request);
}

export const assistAccount = defineTool({
  name: 'assist',
  title: 'Account AI copilot',
  description:
    "Ask for what you want in plain words (\"create an agent called Acme Support\", \"how many calls did my agents miss this week\"). The copilot calls Flowyte's own tools for you, with your permissions: reads run at once, and every destructive step (publish, delete, buy, …) is paused as a pending action. Send its id back in confirm (or resend with confirmed: true), on the same threadId, to run it exactly as shown, once. With stream: true (REST: or Accept: text/event-stream), progress streams as server-sent events.",
  http: { method: 'POST', path: '/assist', sse: 'requested' },
  toolset: TOOLSET,
  flags: { streaming: true, openWorld: true },
  input: z.object({ ...requestFields }),
  output: outcomeSchema,
  execute: async (input, context) => assist(context, { message: input.message, threadId: input.threadId, confirm: input.confirm, confirmed: input.confirmed, reject: input.reject }),
});

export const assistAgent = defineTool({
  name: 'assist_agent',
  title: 'Configure an agent with AI',
  description:
    "The copilot bound to one agent: it only uses that agent's tools and fills in its id. Returns the reply and the changes made to the agent's draft; destructive steps wait for confirm like assist.",
  http: { method: 'POST', path: '/agents/{id}/assist', sse: 'requested' },
  scope: 'agents:write',
  toolset: TOOLSET,
  flags: { streaming: true, openWorld: true },
  input: z.object({ id: idField('The agent id (agt_…).'), ...requestFields }),
  output: outcomeSchema,
  execute: async (input, context) => {
    if (!context.services.agents.find(context.org.id, input.id)) throw notFound('agent', input.id);
    return assist(context, { message: input.message, threadId: input.threadId, confirm: input.confirm, confirmed: input.confirmed, reject: input.reject, agentId: input.id });
  },
});

const threadSchema = z.object({
  id: z.string().describe('Thread id (ath_…).'),
  agentId: z.string().nullable().describe("The agent of an agent's assistant thread; null for the account copilot."),
  title: z.string().describe('The first request, shortened.'),
  createdAt: z.string().describe('When it started.'),
  updatedAt: z.string().describe('When it last changed.'),
});

const presentThread = ({ orgId: _org, ...thread }: AssistThread) => thread;

export const listAssistThreads = defineTool({
  name: 'list_assist_threads',
  title: 'List AI copilot threads',
  description: 'Your copilot threads, the most recently active first; agentId keeps one agent\'s assistant threads.',
  http: { method: 'GET', path: '/assist/threads' },
  toolset: TOOLSET,
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ agentId: idField('Only this agent\'s threads.').optional(), ...pageInput }),
  output: pageOf(threadSchema),
  execute: async (input, context) => paginate(context, input, (page) => context.services.assist.threads(context.org.id, input.agentId, page), (row) => presentThread(row.thread)),
});

export const getAssistThread = defineTool({
  name: 'get_assist_thread',
  title: 'Get an AI copilot thread',
  description: 'One thread with every message (requests and replies with their tool calls and changes) and its actions with their status, to review it or carry on.',
  http: { method: 'GET', path: '/assist/threads/{threadId}' },
  toolset: TOOLSET,
  flags: { readOnly: true, idempotent: true },
  input: z.object({ threadId: idField('The thread id (ath_…).') }),
  output: threadSchema.extend({
    messages: z
      .array(
        z.object({
          seq: z.number().int().describe('Order in the thread.'),
          role: z.enum(['user', 'assistant']).describe('Who said it.'),
          content: z.string().describe('What was said.'),
          data: z.record(z.string(), z.unknown()).describe("A reply's tool calls, changes and pending actions."),
          createdAt: z.string().describe('When.'),
        }),
      )
      .describe('Messages, oldest first.'),
    actions: z
      .array(
        pendingSchema.extend({
          status: z.enum(['pending', 'running', 'done', 'failed', 'rejected']).describe('Where the action stands.'),
          createdAt: z.string().describe('When it was paused.'),
          decidedAt: z.string().nullable().describe('When it was confirmed or rejected.'),
        }),
      )
      .describe('Actions paused on the thread, oldest first.'),
  }),
  execute: async (input, context) => {
    const { assist: store } = context.services;
    const thread = store.thread(context.org.id, input.threadId);
    if (!thread) throw notFound('thread', input.threadId);
    const actions = store.actions(thread.id).map(({ id, tool, input: actionInput, summary, status, createdAt, decidedAt }) => ({ id, tool, input: actionInput, summary, status, createdAt, decidedAt }));
    return { ...presentThread(thread), messages: store.messages(thread.id), actions };
  },
});

export const scaffoldAgent = defineTool({
  name: 'scaffold_agent',
  title: 'Scaffold a draft agent',
  description:
    "Builds a draft agent from what you have: a description (name, persona, greeting, and skills worth adding; read by the configured model, or offline), a website url (crawled into knowledge in the background) and/or a written procedure (a playbook: lines that ask for something collect it, the others are said). Streams each step and ends with the draft agent. Never publishes: review, test and publish it yourself.",
  http: { method: 'POST', path: '/agents/scaffold' },
  scope: 'agents:write',
  toolset: TOOLSET,
  flags: { streaming: true, openWorld: true },
  input: z.object({
    name: z.string().trim().min(1).max(120).optional().describe('The agent\'s name; read off the description or the site when omitted.'),
    description: z.string().trim().min(1).max(4000).optional().describe('The business and what the agent should do, in plain words.'),
    url: z.url({ protocol: /^https?$/ }).max(2000).optional().describe('The business website, crawled into the agent\'s knowledge.'),
    procedure: z.string().trim().min(1).max(10_000).optional().describe('A procedure to follow, one step per line ("1. Ask for the caller\'s phone").'),
  }),
  output: z.object({
    agent: z.record(z.string(), z.unknown()).describe('The draft agent, as get_agent shows it.'),
    knowledgeSourceId: z.string().nullable().describe('The website source (indexed in the background; poll it), or null.'),
    playbookId: z.string().nullable().describe('The playbook made from the procedure, or null.'),
    suggestedSkills: z
      .array(z.object({ skillType: z.string().describe('Skill type to add.'), name: z.string().describe('A name for it.'), reason: z.string().describe('Why it fits.') }))
      .describe('Skills worth adding, not created: add them with create_skill or by provisioning an integration.'),
  }),
  execute: async (input, context) => {
    if (!input.description && !input.url && !input.procedure) {
      throw new FlowyteError('validation_error', 'give a description, a url or a procedure (or several)', { errors: [{ field: 'description', message: 'or url or procedure is required' }] });
    }
    // Loaded on first use, like the copilot loop it drives.
    const { scaffold } = await import('../runtime/assist/scaffold.ts');
    return scaffold(await sessionOf(context), input);
  },
});
