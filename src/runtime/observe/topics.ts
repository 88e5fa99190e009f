/**
 * Topics: zero-config clusters of what callers say to an agent, computed on request from the
 * receipts of its live conversations.
 *
 * Clustering is agglomerative (ml-hclust's AGNES, average linkage) over cosine distances of the
 * utterances' embeddings, cut at TOPIC_MAX_DISTANCE. It needs no k (the number of topics follows
 * from the data), has no random initialisation (the same conversations always give the same
 * topics), and average linkage resists the chaining that single linkage shows on short texts.
 * Its cost grows with the cube of the distinct utterances, so at most MAX_DISTINCT_UTTERANCES
 * (the most often said) are clustered.
 */
import { createHash } from 'node:crypto';
import type { agnes as Agnes } from 'ml-hclust';
import type { Services } from '../../services.ts';
import { words } from '../knowledge/embedder.ts';
import { callerTurns, type CallerTurn, type ObserveWindow } from './caller-turns.ts';

/** Below this many live conversations with something to cluster, topics report `collecting`. */
export const TOPICS_MIN_CONVERSATIONS = 5;
/** A topic is something at least this many conversations talked about; smaller clusters are left out. */
export const MIN_TOPIC_VOLUME = 2;
/** Utterances shorter than this many words ("hello", "yes please") say nothing about a topic. */
export const MIN_UTTERANCE_WORDS = 3;
/** Clusters merge while their average cosine distance stays at or under this (similarity ≥ 0.45). */
export const TOPIC_MAX_DISTANCE = 0.55;
export const MAX_DISTINCT_UTTERANCES = 400;
/** The default window, in days up to now. */
export const TOPICS_WINDOW_DAYS = 30;
/** A trend is up (down) when this half of the window has 20% more (fewer) conversations than the one before. */
export const TREND_RATIO = 1.2;
const SAMPLE_QUESTIONS = 3;

export type DataState = 'collecting' | 'ready';

export interface Topic {
  /** `tpc_` and 26 characters of a hash of its member utterances: stable while they are. */
  clusterId: string;
  label: string;
  /** Conversations in which a caller said something of the topic. */
  volume: number;
  /** volume / all conversations counted, 0..1. */
  share: number;
  trend: { direction: 'up' | 'down' | 'flat'; current: number; previous: number };
  sampleQuestions: string[];
  /** Its conversations, newest first, each with what the caller said there of the topic. */
  members: { conversationId: string; questions: string[] }[];
}

export interface TopicsResult {
  dataState: DataState;
  /** Live conversations with at least one utterance long enough to cluster. */
  conversations: number;
  topics: Topic[];
}

/** One wording (case and punctuation aside) and every time it was said. */
interface Wording {
  key: string;
  text: string;
  turns: CallerTurn[];
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** A cluster id shaped like the platform's other ids: prefix and 26 base-32 characters. */
function clusterIdOf(turnIds: string[]): string {
  const digest = createHash('sha256').update([...turnIds].sort().join('\n')).digest();
  let bits = '';
  for (const byte of digest.subarray(0, 17)) bits += byte.toString(2).padStart(8, '0');
  let id = '';
  for (let at = 0; at < 130; at += 5) id += CROCKFORD[parseInt(bits.slice(at, at + 5), 2)];
  return `tpc_${id}`;
}

/** Cosine similarity of two unit vectors (what the embedders return). */
export function similarity(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index += 1) sum += a[index] * b[index];
  return sum;
}

/** Distinct wordings, the most often said first, then by their words. */
function wordingsOf(turns: CallerTurn[]): Wording[] {
  const byKey = new Map<string, Wording>();
  for (const turn of turns) {
    const key = words(turn.text).join(' ');
    const wording = byKey.get(key) ?? { key, text: turn.text, turns: [] };
    wording.turns.push(turn);
    byKey.set(key, wording);
  }
  return [...byKey.values()].sort((a, b) => b.turns.length - a.turns.length || a.key.localeCompare(b.key));
}

/** Groups of wording indexes, by average-linkage clustering of their embeddings. */
function cluster(vectors: Float32Array[], agnes: typeof Agnes): number[][] {
  if (vectors.length < 2) return vectors.map((_, index) => [index]);
  const distances = vectors.map((a) => vectors.map((b) => Math.max(0, 1 - similarity(a, b))));
  distances.forEach((row, index) => (row[index] = 0));
  return agnes(distances, { method: 'average', isDistanceMatrix: true })
    .cut(TOPIC_MAX_DISTANCE)
    .map((node) => node.indices());
}

function trendOf(conversations: Map<string, string>, window: ObserveWindow): Topic['trend'] {
  const middle = new Date((Date.parse(window.from) + Date.parse(window.to)) / 2).toISOString();
  let current = 0;
  for (const at of conversations.values()) if (at >= middle) current += 1;
  const previous = conversations.size - current;
  const direction = current > previous * TREND_RATIO ? 'up' : current * TREND_RATIO < previous ? 'down' : 'flat';
  return { direction, current, previous };
}

/** What one conversation said of a topic, in the order it was said. */
function questionsIn(members: { wording: Wording }[], conversationId: string): string[] {
  return members
    .flatMap((member) => member.wording.turns)
    .filter((turn) => turn.conversationId === conversationId)
    .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id))
    .map((turn) => turn.text);
}

/** One topic from a cluster of wordings, or null when too few conversations share it. */
function topicOf(members: { wording: Wording; vector: Float32Array }[], total: number, window: ObserveWindow): Topic | null {
  // conversation → when it last said something of the topic
  const conversations = new Map<string, string>();
  for (const turn of members.flatMap((member) => member.wording.turns)) {
    const seen = conversations.get(turn.conversationId);
    if (!seen || turn.at > seen) conversations.set(turn.conversationId, turn.at);
  }
  if (conversations.size < MIN_TOPIC_VOLUME) return null;
  // The most central wording: the highest similarity to every member, counted as often as it was said.
  const centrality = members.map((member) => members.reduce((sum, other) => sum + other.wording.turns.length * similarity(member.vector, other.vector), 0));
  const ranked = members
    .map((member, index) => ({ wording: member.wording, centrality: centrality[index] }))
    .sort((a, b) => b.centrality - a.centrality || a.wording.key.localeCompare(b.wording.key));
  const samples = [...ranked].sort((a, b) => b.wording.turns.length - a.wording.turns.length || b.centrality - a.centrality || a.wording.key.localeCompare(b.wording.key));
  return {
    clusterId: clusterIdOf(members.flatMap((member) => member.wording.turns.map((turn) => turn.id))),
    label: ranked[0].wording.text,
    volume: conversations.size,
    share: Math.round((conversations.size / total) * 10_000) / 10_000,
    trend: trendOf(conversations, window),
    sampleQuestions: samples.slice(0, SAMPLE_QUESTIONS).map((sample) => sample.wording.text),
    members: [...conversations.keys()].sort().reverse().map((conversationId) => ({ conversationId, questions: questionsIn(members, conversationId) })),
  };
}

/** The agent's topics in the window, the largest first; `collecting` below the volume floor. */
export async function computeTopics(
  services: Pick<Services, 'conversations' | 'embedder'>,
  orgId: string,
  agentId: string,
  window: ObserveWindow,
): Promise<TopicsResult> {
  const turns = callerTurns(services.conversations, orgId, agentId, window).filter((turn) => words(turn.text).length >= MIN_UTTERANCE_WORDS);
  const conversations = new Set(turns.map((turn) => turn.conversationId)).size;
  if (conversations < TOPICS_MIN_CONVERSATIONS) return { dataState: 'collecting', conversations, topics: [] };
  const wordings = wordingsOf(turns).slice(0, MAX_DISTINCT_UTTERANCES);
  const vectors = await services.embedder.embed(wordings.map((wording) => wording.text));
  // The clustering library loads with the first topics request, not with every start.
  const { agnes } = await import('ml-hclust');
  const topics = cluster(vectors, agnes)
    .map((indexes) => topicOf(indexes.map((index) => ({ wording: wordings[index], vector: vectors[index] })), conversations, window))
    .filter((topic): topic is Topic => topic !== null)
    .sort((a, b) => b.volume - a.volume || a.label.localeCompare(b.label) || a.clusterId.localeCompare(b.clusterId));
  return { dataState: 'ready', conversations, topics };
}
