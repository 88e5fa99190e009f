/**
 * Running a skill: one executor per skill type. Executors never throw for an outside failure
 * (a slow or broken webhook): they return `ok: false` with words the agent can say, so the
 * caller hears a graceful fallback and the receipt records what went wrong.
 */
import type { CompiledConfig, CompiledSkill } from '../compile.ts';
import type { ConversationRecord } from '../../store/conversations.ts';
import type { SkillStore } from '../../store/skills.ts';
import { safeFetch } from '../net/safe-fetch.ts';
import { FlowyteError } from '../../errors.ts';
import { normalizeDestination } from './definition.ts';

export interface SkillCall {
  skill: CompiledSkill;
  input: Record<string, unknown>;
  conversation: ConversationRecord;
  config: CompiledConfig;
  /** What the person said most recently (a warm transfer's reason). */
  lastUtterance: string;
  signal?: AbortSignal;
}

export interface SkillOutcome {
  ok: boolean;
  /** What the model gets back. */
  output: Record<string, unknown>;
  /** Set when the skill hands the conversation to a person. */
  handoff?: { destination: string; reason: string; warm: boolean; summary: string | null };
}

export interface SkillEnvironment {
  skills: SkillStore;
  allowPrivateNetwork: boolean;
  fetchMaxBytes: number;
}

type Executor = (call: SkillCall, environment: SkillEnvironment) => Promise<SkillOutcome>;

const REPLY_CHARS = 4000;
const UNAVAILABLE = "I couldn't reach our system just now. I can take a message so someone gets back to you.";

const httpWebhook: Executor = async ({ skill, input, conversation, signal }, environment) => {
  const config = skill.executionConfig as { url: string; method: string; headers: Record<string, string>; timeout_ms: number };
  const query = config.method === 'GET';
  const url = new URL(config.url);
  if (query) for (const [name, value] of Object.entries(input)) url.searchParams.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  try {
    const response = await safeFetch(url.href, {
      method: config.method,
      headers: { ...(query ? {} : { 'content-type': 'application/json' }), accept: 'application/json', ...config.headers, 'x-flowyte-conversation': conversation.id },
      body: query ? undefined : JSON.stringify(input),
      timeoutMs: config.timeout_ms,
      maxBytes: Math.min(environment.fetchMaxBytes, 1024 * 1024),
      allowPrivateNetwork: environment.allowPrivateNetwork,
      maxRedirects: 0,
      signal,
    });
    const text = response.body.toString('utf8');
    if (response.status < 200 || response.status >= 300) {
      return { ok: false, output: { error: `the webhook answered ${response.status}`, message: UNAVAILABLE } };
    }
    try {
      const reply = JSON.parse(text) as unknown;
      return { ok: true, output: reply && typeof reply === 'object' && !Array.isArray(reply) ? (reply as Record<string, unknown>) : { result: reply } };
    } catch {
      return { ok: true, output: { result: text.slice(0, REPLY_CHARS) } };
    }
  } catch (error) {
    const reason = error instanceof FlowyteError ? error.message : 'the request failed';
    return { ok: false, output: { error: reason, message: UNAVAILABLE } };
  }
};

const transfer: Executor = async ({ skill, input, config, lastUtterance }) => {
  const settings = skill.executionConfig as { destination?: string; warm?: boolean };
  // A configured destination always wins: text the model read (a page, a webhook reply) cannot
  // redirect the call. Only a skill without one takes a dynamic destination from its input (a
  // lookup skill's output), checked like a configured one; failing both, the agent's default.
  const dynamic = settings.destination ? undefined : typeof input.destination === 'string' ? input.destination : undefined;
  const given = settings.destination ?? dynamic ?? config.agent.handoffConfig.transferDestination;
  if (!given) return { ok: false, output: { error: 'no destination', message: "I can't transfer you right now, but I can take a message." } };
  let destination: string;
  try {
    destination = normalizeDestination(given, 'destination');
  } catch {
    return { ok: false, output: { error: `not a phone number: ${given}`, message: "I can't transfer you right now, but I can take a message." } };
  }
  const warm = settings.warm ?? config.agent.handoffConfig.warm;
  const reason = typeof input.reason === 'string' && input.reason ? input.reason : lastUtterance;
  const summary = warm ? `Caller asked: "${reason.slice(0, 300)}"` : null;
  return { ok: true, output: { transferred: true, message: "I'm connecting you with a person now. Please hold." }, handoff: { destination, reason, warm, summary } };
};

const takeMessage: Executor = async ({ skill, input, conversation, lastUtterance }, environment) => {
  const body = typeof input.message === 'string' && input.message ? input.message : lastUtterance;
  const from = [input.name, input.phone, input.email].filter((value) => typeof value === 'string' && value).join(', ');
  const id = environment.skills.leaveMessage({
    orgId: conversation.orgId,
    agentId: conversation.agentId,
    conversationId: conversation.id,
    skillId: skill.id,
    kind: 'message',
    recipient: (skill.executionConfig.recipient as string | undefined) ?? null,
    subject: `Message${from ? ` from ${from}` : ''}`,
    body,
    data: input,
  });
  return { ok: true, output: { messageId: id, message: "Thanks, I've taken your message. Someone will get back to you soon." } };
};

const EXECUTORS: Record<string, Executor> = { http_webhook: httpWebhook, transfer, take_message: takeMessage };

/** Run a skill with input the caller has already validated against its parameters. */
export function runSkill(call: SkillCall, environment: SkillEnvironment): Promise<SkillOutcome> {
  const executor = EXECUTORS[call.skill.skillType];
  if (!executor) return Promise.resolve({ ok: false, output: { error: `skill type ${call.skill.skillType} cannot run here`, message: UNAVAILABLE } });
  return executor(call, environment);
}
