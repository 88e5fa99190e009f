/**
 * Which registry tools the copilot offers for a request: the ones the caller may use, ranked by
 * how close the request is to each tool's name, title and description (the embedder's vectors,
 * plus a bonus for the tool's own name words and their usual synonyms), a handful per step.
 */
import type { Actor } from '../../auth/actor.ts';
import { grants } from '../../auth/scopes.ts';
import { credentialFits } from '../../tools/invoke.ts';
import type { Tool } from '../../tools/types.ts';
import type { Embedder } from '../knowledge/embedder.ts';

/** Words people use for what a tool name says. */
const SYNONYMS: Record<string, string[]> = {
  create: ['create', 'make', 'new', 'add', 'build', 'set up', 'start'],
  delete: ['delete', 'remove', 'drop', 'get rid', 'destroy'],
  list: ['list', 'show', 'which'],
  get: ['get', 'show', 'what', 'how', 'read', 'see', 'details'],
  update: ['update', 'change', 'rename', 'edit', 'set', 'modify'],
  publish: ['publish', 'release', 'go live', 'ship', 'deploy'],
  purchase: ['purchase', 'buy'],
  simulate: ['simulate', 'test', 'try'],
  analytics: ['how many', 'miss', 'missed', 'calls', 'answered', 'rate', 'stats', 'spend', 'week', 'month'],
  overview: ['how many', 'all my agents', 'account', 'overall', 'total'],
};

export function nameWords(tool: Tool): string[] {
  return tool.name.split('_');
}

/** The words of a request, lowercased. */
export function requestWords(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** How well the request says one name word: 1 itself, 0.8 a synonym, else 0. */
function wordScore(word: string, request: string): number {
  const said = new Set(requestWords(request).map((each) => each.replace(/s$/, '')));
  if (said.has(word.replace(/s$/, ''))) return 1;
  const lower = ` ${request.toLowerCase()} `;
  return (SYNONYMS[word] ?? []).some((synonym) => lower.includes(` ${synonym}`)) ? 0.8 : 0;
}

/** Lexical closeness: how well the request says each of the tool's name words, on average. */
export function lexicalScore(tool: Tool, request: string): number {
  const words = nameWords(tool);
  return words.reduce((sum, word) => sum + wordScore(word, request), 0) / words.length;
}

/** Whether the request says the tool's verb (create, delete, publish, …), itself or a synonym. */
export function verbSaid(tool: Tool, request: string): boolean {
  return wordScore(nameWords(tool)[0]!, request) > 0;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);

/** Tool vectors, made once per embedder and tool list. */
const vectorCache = new WeakMap<Embedder, WeakMap<readonly Tool[], Promise<Float32Array[]>>>();

async function toolVectors(embedder: Embedder, tools: readonly Tool[]): Promise<Float32Array[]> {
  let byList = vectorCache.get(embedder);
  if (!byList) vectorCache.set(embedder, (byList = new WeakMap()));
  let vectors = byList.get(tools);
  if (!vectors) {
    vectors = embedder.embed(tools.map((tool) => `${tool.name.replaceAll('_', ' ')}. ${tool.title}. ${tool.description}`));
    byList.set(tools, vectors);
  }
  return vectors;
}

/** Whether the actor may call the tool (credential kind and scope), the copilot's own tools aside. */
export function mayUse(tool: Tool, actor: Actor): boolean {
  return !tool.flags.reserved && tool.toolset !== 'assist' && !tool.http.file && credentialFits(tool, actor) && (!tool.scope || grants(actor.scopes, tool.scope));
}

export interface RankedTool {
  tool: Tool;
  score: number;
}

/** The `limit` tools closest to the request, best first, among those of `tools` (a list kept for the process) that `allowed` lets through. */
export async function rankTools(embedder: Embedder, tools: readonly Tool[], request: string, limit: number, allowed: (tool: Tool) => boolean): Promise<RankedTool[]> {
  const vectors = await toolVectors(embedder, tools);
  const [query] = await embedder.embed([request]);
  return tools
    .map((tool, index) => ({ tool, score: dot(query!, vectors[index]!) + lexicalScore(tool, request) }))
    .filter((ranked) => allowed(ranked.tool))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}
