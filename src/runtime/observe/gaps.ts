/**
 * Knowledge gaps: the questions an agent's live conversations could not answer, deduplicated and
 * ranked, recounted from the receipts whenever they are listed.
 *
 * - Unanswered: a caller turn that ended in an agent_message of kind `fallback` (the model found
 *   nothing to answer from). A low kb_retrieval topScore alone is not used: with the local
 *   lexical embedder, questions the agent did answer well score as low as 0.03.
 * - Deduplicated: a question joins the gap whose question is most similar to it, when the cosine
 *   similarity of their embeddings is at least DUPLICATE_SIMILARITY (rewordings such as "So, do
 *   you fix helicopters?" join "Do you fix helicopters?"; "Do you repair boilers?" does not join
 *   "Do you repair helicopters?"). Otherwise it starts a new group.
 * - Counted in conversations: a caller asking again in the same conversation counts once.
 * - Ranked by rankScore = Σ over its conversations of 0.5^(days since last asked there / 14):
 *   each conversation counts 1 when fresh and half as much every two weeks after.
 * - Classified `out_of_scope` when nothing in the live knowledge came near it (its best retrieval
 *   topScore under RELATED_SCORE, or no search at all) and it shares no content word with how the
 *   agent describes itself (name, description, persona role and goals); else `missing_knowledge`.
 * - Covered: when the live version's knowledge now holds a passage scoring at least
 *   COVERED_SCORE for the question, the gap turns `covered` (checked at each listing; dismissed
 *   gaps are left alone, and a covered gap whose passage went away reopens).
 */
import type { Services } from '../../services.ts';
import type { CompiledConfig } from '../compile.ts';
import type { GapClassification, GapFindings, GapStatus, KnowledgeGapRecord } from '../../store/knowledge-gaps.ts';
import { words } from '../knowledge/embedder.ts';
import { searchKnowledge } from '../knowledge/retrieval.ts';
import { contentStems, overlap, stemSet } from '../models/extract/text.ts';
import { callerTurns, windowOf, type CallerTurn } from './caller-turns.ts';
import { similarity, type DataState } from './topics.ts';

/** Below this many live conversations in which a caller said anything, gaps report `collecting`. */
export const GAPS_MIN_CONVERSATIONS = 5;
/** A question becomes a gap once this many conversations asked it. */
export const MIN_OCCURRENCES = 2;
export const DUPLICATE_SIMILARITY = 0.75;
export const RELATED_SCORE = 0.1;
/** A passage this close is one the local model answers from outright (its strong-passage score). */
export const COVERED_SCORE = 0.35;
export const RANK_HALF_LIFE_DAYS = 14;
/** Gaps are recounted over this many days up to now. */
export const GAPS_WINDOW_DAYS = 90;
/** The most recent unanswered turns that are read, to bound the work of one listing. */
const MAX_UNANSWERED_TURNS = 2000;
const SAMPLE_CONVERSATIONS = 3;
const DAY_MS = 86_400_000;

type GapServices = Pick<Services, 'now' | 'conversations' | 'embedder' | 'knowledge' | 'vectors' | 'agents' | 'knowledgeGaps'>;

export interface GapsResult {
  dataState: DataState;
  /** Every gap asked at least MIN_OCCURRENCES times, best ranked first. */
  ranked: KnowledgeGapRecord[];
}

interface QuestionGroup {
  gap?: KnowledgeGapRecord;
  question: string;
  anchor: Float32Array;
  turns: CallerTurn[];
}

/** Unanswered turns grouped under the agent's known gaps first, then under new questions. */
async function groupQuestions(services: GapServices, known: KnowledgeGapRecord[], unanswered: CallerTurn[]): Promise<QuestionGroup[]> {
  const vectors = await services.embedder.embed([...known.map((gap) => gap.question), ...unanswered.map((turn) => turn.text)]);
  const groups: QuestionGroup[] = known.map((gap, index) => ({ gap, question: gap.question, anchor: vectors[index], turns: [] }));
  unanswered.forEach((turn, index) => {
    const vector = vectors[known.length + index];
    let best: QuestionGroup | undefined;
    let bestSimilarity = -Infinity;
    for (const group of groups) {
      const closeness = similarity(vector, group.anchor);
      if (closeness >= DUPLICATE_SIMILARITY && closeness > bestSimilarity) {
        best = group;
        bestSimilarity = closeness;
      }
    }
    if (best) best.turns.push(turn);
    else groups.push({ question: turn.text, anchor: vector, turns: [turn] });
  });
  return groups;
}

/** The words in which the live agent describes what it is for. */
function purposeStems(config: CompiledConfig | undefined): Set<string> {
  if (!config) return new Set();
  const { name, description, persona } = config.agent;
  return stemSet([name, description, persona.role, ...persona.goals].join('\n'));
}

function findingsOf(group: QuestionGroup, purpose: Set<string>, now: Date): GapFindings {
  // conversation → when it last asked
  const lastAsked = new Map<string, string>();
  let topScore: number | null = null;
  for (const turn of group.turns) {
    const seen = lastAsked.get(turn.conversationId);
    if (!seen || turn.at > seen) lastAsked.set(turn.conversationId, turn.at);
    if (turn.topScore !== null) topScore = Math.max(topScore ?? 0, turn.topScore);
  }
  const recent = [...lastAsked].sort((a, b) => b[1].localeCompare(a[1]) || b[0].localeCompare(a[0]));
  const rankScore = recent.reduce((sum, [, at]) => sum + 0.5 ** ((now.getTime() - Date.parse(at)) / DAY_MS / RANK_HALF_LIFE_DAYS), 0);
  const related = (topScore ?? 0) >= RELATED_SCORE || overlap(contentStems(group.question), purpose) > 0;
  const classification: GapClassification = related ? 'missing_knowledge' : 'out_of_scope';
  return {
    classification,
    occurrences: lastAsked.size,
    lastAskedAt: recent[0][1],
    rankScore: Math.round(rankScore * 1000) / 1000,
    sampleConversationIds: recent.slice(0, SAMPLE_CONVERSATIONS).map(([conversationId]) => conversationId),
  };
}

/** The status a gap has once the live knowledge has been searched for its question. */
async function statusAfterSearch(services: GapServices, agentId: string, gap: KnowledgeGapRecord, sourceIds: string[]): Promise<GapStatus> {
  if (gap.status === 'dismissed') return gap.status;
  const uncovered = gap.status === 'covered' ? 'open' : gap.status;
  if (sourceIds.length === 0) return uncovered;
  const { topScore } = await searchKnowledge(services.knowledge, services.vectors, services.embedder, agentId, gap.question, { limit: 3, sourceIds });
  return topScore >= COVERED_SCORE ? 'covered' : uncovered;
}

/** Recount the agent's gaps from its receipts, keep the findings, and rank them; `collecting` below the floor. */
export async function rankGaps(services: GapServices, orgId: string, agentId: string): Promise<GapsResult> {
  const now = services.now();
  const turns = callerTurns(services.conversations, orgId, agentId, windowOf(now, GAPS_WINDOW_DAYS, {}));
  if (new Set(turns.map((turn) => turn.conversationId)).size < GAPS_MIN_CONVERSATIONS) return { dataState: 'collecting', ranked: [] };
  const unanswered = turns.filter((turn) => turn.replyKind === 'fallback').slice(-MAX_UNANSWERED_TURNS);
  const store = services.knowledgeGaps;
  const groups = await groupQuestions(services, store.list(orgId, agentId), unanswered);
  const agent = services.agents.find(orgId, agentId);
  const live = agent?.publishedVersionId ? services.agents.findVersion(orgId, agentId, agent.publishedVersionId)?.config : undefined;
  const purpose = purposeStems(live);
  const sourceIds = live?.knowledge.sources.map((source) => source.id) ?? [];
  const ranked: KnowledgeGapRecord[] = [];
  for (const group of groups) {
    if (new Set(group.turns.map((turn) => turn.conversationId)).size < MIN_OCCURRENCES) continue;
    const findings = findingsOf(group, purpose, now);
    const gap = group.gap ?? store.create(orgId, agentId, { text: group.question, key: words(group.question).join(' ') }, findings);
    ranked.push(store.record(orgId, gap, { ...findings, status: await statusAfterSearch(services, agentId, gap, sourceIds) }));
  }
  ranked.sort(
    (a, b) => b.rankScore - a.rankScore || b.occurrences - a.occurrences || b.lastAskedAt.localeCompare(a.lastAskedAt) || a.id.localeCompare(b.id),
  );
  return { dataState: 'ready', ranked };
}
