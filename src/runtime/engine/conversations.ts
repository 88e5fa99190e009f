/**
 * Conversations over the engine: which config an agent serves (its live version, or the draft
 * compiled on the spot for testing), starting, taking turns, ending. Every channel goes through
 * here, so storage, receipts and metering happen the same way for all of them.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { Services } from '../../services.ts';
import type { AgentRecord } from '../../store/agents.ts';
import type { Channel, ConversationRecord, MessageRecord, ReceiptEvent, Surface } from '../../store/conversations.ts';
import { compileCurrent, type CompiledConfig } from '../compile.ts';
import { searchKnowledge } from '../knowledge/retrieval.ts';
import { FlowyteError, notFound } from '../../errors.ts';
import { receiptEvent, type EventSink } from './events.ts';
import { runTurn, type ModelUsage, type TurnEnvironment } from './turn.ts';
import { runSkill } from '../skills/executors.ts';
import { geocoderFor } from '../geo/geocoder.ts';
import { createMailer } from '../email/mailer.ts';
import type { PendingConfirmation } from './skill-tools.ts';
import { guardState } from '../guardrails/enforce.ts';
import { activePlaybook } from './playbook-runner.ts';
import { decideOutcome, settle } from '../observe/settle.ts';
import { chargeUsage } from '../billing/meter.ts';
import { billingWallet } from '../billing/mode.ts';
import { connectionContext } from '../integrations/connections.ts';

/** What a channel serves: the agent, the config that runs, and whether it is a (never billed) draft. */
export interface ServedAgent {
  agent: AgentRecord;
  config: CompiledConfig;
  versionId: string | null;
  draft: boolean;
}

export interface StartOptions {
  channel: Channel;
  surface: Surface;
  visitorId?: string;
  publishableKeyId?: string;
  endUser?: string;
  /** Open with the agent's greeting (chat sessions, widget, calls); completions do not. */
  greet: boolean;
}

export interface TurnOutcome {
  userMessage: MessageRecord;
  reply: MessageRecord;
  events: ReceiptEvent[];
  /** Tokens the language model reported, when one answered. */
  usage?: ModelUsage;
}

/** How many earlier messages the model sees each turn. */
const HISTORY_MESSAGES = 20;
const KNOWLEDGE_DEPTH = 6;
const noEvents: EventSink = () => {};

/** The skill call the last turn asked the person to confirm, if it is still waiting. */
function pendingConfirmation(receipt: ReceiptEvent[]): PendingConfirmation | undefined {
  const turnStart = receipt.findLastIndex((event) => event.type === 'user_utterance');
  const lastTurn = turnStart < 0 ? [] : receipt.slice(turnStart);
  const asked = lastTurn.findLast((event) => event.type === 'guardrail' && event.data.rule === 'requires_confirmation');
  if (asked?.data.action !== 'asked') return undefined;
  const utterance = lastTurn.find((event) => event.type === 'user_utterance')?.data.text;
  return { tool: String(asked.data.tool), input: asked.data.input as Record<string, unknown>, utterance: String(utterance ?? '') };
}

export class ConversationEngine {
  /** Published configs are immutable: parse each once. */
  private readonly versionConfigs = new Map<string, CompiledConfig>();
  private readonly environment: TurnEnvironment;

  constructor(private readonly services: Omit<Services, 'engine' | 'close'>, model: LanguageModelV3) {
    const { knowledge, vectors, embedder, config } = services;
    const mailer = createMailer(config, services.skills);
    this.environment = {
      model,
      now: services.now,
      maxToolCalls: config.maxToolCallsPerTurn,
      maxModelSteps: config.maxModelStepsPerTurn,
      searchKnowledge: async (agentId, query, sourceIds) => {
        const { chunks } = await searchKnowledge(knowledge, vectors, embedder, agentId, query, { limit: KNOWLEDGE_DEPTH, sourceIds });
        return { passages: chunks.map(({ text, sourceId, chunkId, score }) => ({ text, sourceId, chunkId, score })) };
      },
      runSkill: (call) =>
        runSkill(call, {
          skills: services.skills,
          allowPrivateNetwork: config.allowPrivateNetwork,
          fetchMaxBytes: config.fetchMaxBytes,
          mailer,
          geocoder: geocoderFor(config),
          integration: (orgId, kind, signal) => connectionContext(services, orgId, kind, signal),
        }),
    };
  }

  /** The config an agent serves: the live version, or (draftMode) the draft compiled now. */
  serve(orgId: string, agentId: string, draftMode: boolean): ServedAgent {
    const agent = this.services.agents.find(orgId, agentId);
    if (!agent) throw notFound('agent', agentId);
    if (draftMode) return { agent, config: compileCurrent(this.services, agent), versionId: null, draft: true };
    if (!agent.publishedVersionId) {
      throw new FlowyteError('no_published_version', `agent ${agent.id} has never been published: publish it, or test the draft with draftMode`);
    }
    return { agent, config: this.versionConfig(orgId, agent.id, agent.publishedVersionId), versionId: agent.publishedVersionId, draft: false };
  }

  /** Open a conversation, greeting first when asked. */
  start(served: ServedAgent, options: StartOptions, emit: EventSink = noEvents): { conversation: ConversationRecord; greeting: MessageRecord | null } {
    const { conversations } = this.services;
    const orgId = served.agent.orgId;
    // Live traffic is paid from the wallet (billing prepaid): an empty one takes no new conversations.
    if (!served.draft) requireFunds(this.services, orgId);
    const conversation = conversations.create({
      orgId,
      agentId: served.agent.id,
      versionId: served.versionId,
      draft: served.draft,
      channel: options.channel,
      surface: options.surface,
      visitorId: options.visitorId,
      publishableKeyId: options.publishableKeyId,
      endUser: options.endUser,
    });
    const now = this.services.now();
    const events = [receiptEvent('conversation_started', now, { channel: options.channel, surface: options.surface, versionId: served.versionId, draft: served.draft })];
    const greetingText = options.greet ? served.config.agent.greeting.trim() : '';
    if (greetingText) events.push(receiptEvent('agent_message', now, { text: greetingText, kind: 'greeting' }));
    events.forEach(emit);
    const [greeting] = conversations.append(orgId, conversation.id, {
      messages: greetingText ? [{ role: 'assistant', content: greetingText, at: now.toISOString() }] : [],
      events,
    });
    return { conversation: conversations.find(orgId, conversation.id)!, greeting: greeting ?? null };
  }

  /** One user message and the agent's reply, stored with the turn's receipt and metered. */
  async turn(
    conversation: ConversationRecord,
    input: { text: string; dtmf?: string; history?: { role: 'user' | 'assistant'; content: string }[] },
    options: { emit?: EventSink; signal?: AbortSignal } = {},
  ): Promise<TurnOutcome> {
    if (conversation.status === 'ended') throw new FlowyteError('session_ended', `conversation ${conversation.id} has ended: start a new one`);
    const { conversations } = this.services;
    const config = this.configOf(conversation);
    const asked = this.services.now().toISOString();
    const history = input.history ?? conversations.recentMessages(conversation.orgId, conversation.id, HISTORY_MESSAGES);
    const receipt = conversations.events(conversation.orgId, conversation.id);
    const result = await runTurn(this.environment, {
      conversation,
      config,
      pending: pendingConfirmation(receipt),
      state: guardState(receipt),
      playbook: activePlaybook(receipt),
      history: history.map(({ role, content }) => ({ role, content })),
      text: input.text,
      dtmf: input.dtmf,
      emit: options.emit ?? noEvents,
      signal: options.signal,
    });
    const [userMessage, reply] = conversations.append(conversation.orgId, conversation.id, {
      messages: [
        { role: 'user', content: input.text, at: asked },
        { role: 'assistant', content: result.reply, at: this.services.now().toISOString() },
      ],
      events: result.events,
    });
    // Chat is metered per reply; a voice conversation by its length when it ends.
    if (!conversation.draft && conversation.channel === 'chat') {
      const { orgId, agentId, id } = conversation;
      chargeUsage(this.services, { orgId, agentId, conversationId: id, channel: 'chat', kind: 'chat_message', quantity: 1 }, { idempotencyKey: `reply:${reply.id}` });
    }
    return { userMessage, reply, events: result.events, usage: result.usage };
  }

  /** Extra events outside a model turn (call control, handoff), kept in the receipt. */
  note(conversation: ConversationRecord, events: ReceiptEvent[], reply?: string): MessageRecord | null {
    const [message] = this.services.conversations.append(conversation.orgId, conversation.id, {
      messages: reply ? [{ role: 'assistant', content: reply, at: this.services.now().toISOString() }] : [],
      events,
    });
    return message ?? null;
  }

  /**
   * End the conversation with a deterministic outcome read off its receipt, then settle its
   * summary and sentiment (observe); idempotent. A live voice conversation is metered by its length here.
   */
  end(conversation: ConversationRecord, reason: string, emit: EventSink = noEvents, durationSeconds?: number): ConversationRecord {
    const { conversations } = this.services;
    const current = conversations.find(conversation.orgId, conversation.id) ?? conversation;
    if (current.status === 'ended') return current;
    const receipt = conversations.events(conversation.orgId, conversation.id);
    const outcome = decideOutcome(current.channel, receipt, durationSeconds);
    const ended = receiptEvent('conversation_ended', this.services.now(), { reason, outcome });
    emit(ended);
    this.note(current, [ended]);
    conversations.end(conversation.orgId, conversation.id, outcome);
    if (current.channel === 'voice' && !current.draft && durationSeconds) {
      const { orgId, agentId, id } = current;
      chargeUsage(this.services, { orgId, agentId, conversationId: id, channel: 'voice', kind: 'voice_minute', quantity: billedMinutes(durationSeconds) }, { idempotencyKey: `call:${id}` });
    }
    settle(this.services, this.environment.model, conversations.find(conversation.orgId, conversation.id)!, durationSeconds);
    if (!current.draft) {
      const { orgId, agentId, id, channel } = current;
      this.services.events.record(orgId, 'conversation.completed', { conversationId: id, agentId, channel, outcome, reason });
    }
    return conversations.find(conversation.orgId, conversation.id)!;
  }

  /** The config a conversation runs: its pinned version, or the draft as it is now. */
  private configOf(conversation: ConversationRecord): CompiledConfig {
    // A deleted agent takes no more turns, whichever version its conversations run.
    const agent = this.services.agents.find(conversation.orgId, conversation.agentId);
    if (!agent) throw notFound('agent', conversation.agentId);
    if (!conversation.versionId) return compileCurrent(this.services, agent);
    return this.versionConfig(conversation.orgId, conversation.agentId, conversation.versionId);
  }

  private versionConfig(orgId: string, agentId: string, versionId: string): CompiledConfig {
    let config = this.versionConfigs.get(versionId);
    if (!config) {
      const version = this.services.agents.findVersion(orgId, agentId, versionId);
      if (!version) throw notFound('agent version', versionId);
      config = version.config;
      if (this.versionConfigs.size >= 1000) this.versionConfigs.clear();
      this.versionConfigs.set(versionId, config);
    }
    return config;
  }
}

/** Voice and transfer time is billed per started minute. */
export function billedMinutes(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}

/** 402 insufficient_balance when billing is prepaid and the org's wallet is empty. */
function requireFunds(services: Pick<Services, 'config' | 'wallet'>, orgId: string): void {
  billingWallet(services).requireBalance(orgId, 1, () => 'the prepaid wallet is empty, so live conversations are paused: add credit (POST /billing/wallet/credit or /billing/wallet/topup)');
}
