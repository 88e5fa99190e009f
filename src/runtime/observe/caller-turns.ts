/**
 * What callers said to an agent, turn by turn, read off the receipts of its live conversations:
 * the input of topics and knowledge gaps. Draft (test) conversations never count.
 */
import type { ConversationStore } from '../../store/conversations.ts';

/** A time range, as ISO 8601 strings; both ends included. */
export interface ObserveWindow {
  from: string;
  to: string;
}

export interface CallerTurn {
  /** `conversationId:seq` of the user_utterance event: stable for as long as the receipt is kept. */
  id: string;
  conversationId: string;
  text: string;
  at: string;
  /** The kind of the agent_message that ended the turn (reply, fallback, …); null when none did. */
  replyKind: string | null;
  /** The best topScore of the turn's knowledge searches; null when it searched none. */
  topScore: number | null;
}

const DAY_MS = 86_400_000;

/** The window a caller asked for, or the `days` up to now; a bad range is the caller's to fix. */
export function windowOf(now: Date, days: number, range: { from?: string; to?: string }): ObserveWindow {
  const to = range.to ? new Date(range.to) : now;
  const from = range.from ? new Date(range.from) : new Date(to.getTime() - days * DAY_MS);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** Every caller turn of the agent's live conversations that began within the window, oldest first. */
export function callerTurns(conversations: ConversationStore, orgId: string, agentId: string, window: ObserveWindow): CallerTurn[] {
  const events = conversations.liveEvents(orgId, agentId, window, ['user_utterance', 'kb_retrieval', 'agent_message']);
  const turns: CallerTurn[] = [];
  let open: CallerTurn | undefined;
  for (const event of events) {
    if (open && open.conversationId !== event.conversationId) open = undefined;
    if (event.type === 'user_utterance') {
      open = {
        id: `${event.conversationId}:${event.seq}`,
        conversationId: event.conversationId,
        text: String(event.data.text ?? '').trim(),
        at: event.at,
        replyKind: null,
        topScore: null,
      };
      if (open.text && open.at <= window.to) turns.push(open);
    } else if (open && event.type === 'kb_retrieval') {
      const score = Number(event.data.topScore ?? 0);
      open.topScore = Math.max(open.topScore ?? 0, score);
    } else if (open && event.type === 'agent_message') {
      open.replyKind = String(event.data.kind ?? 'reply');
      // The turn is over: later messages (a greeting, a scripted step) are not its answer.
      open = undefined;
    }
  }
  return turns.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}
