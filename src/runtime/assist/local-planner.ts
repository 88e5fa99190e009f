/**
 * The copilot's planner on the local model: one step, no model. It takes the best-ranked tool whose
 * required fields it can fill from the request — a name in quotes or after "called", an agent the
 * request names, a note, a message or greeting in quotes, a phone number in E.164, a time window
 * ("this week") — and says what
 * happened in plain words.
 */
import type { Tool } from '../../tools/types.ts';
import { jsonSchemaOf } from '../../tools/json-schema.ts';
import { lexicalScore, requestWords, verbSaid, type RankedTool } from './tool-index.ts';

export interface PlanContext {
  /** Fields fixed by where the copilot runs (an agent's assistant injects the agent id). */
  bound: Record<string, unknown>;
  /** The org's agents, to resolve names the request mentions. */
  agents: { id: string; name: string }[];
  now: Date;
}

export interface PlannedCall {
  tool: Tool;
  input: Record<string, unknown>;
}

const QUOTED = /["'“‘]([^"'”’]{1,120})["'”’]/;
const CALLED = /\b(?:called|named)\s+["'“‘]?([^"'”’,.!?]{1,80}?)["'”’]?(?=\s+(?:with|and|that|for)\b|[,.!?]|$)/i;
const NOTE = /\bnote\s*[:=]?\s*["'“‘]([^"'”’]{1,200})["'”’]/i;
const GREETING = /\bgreeting\b[^"'“‘]{0,60}?["'“‘]([^"'”’]{1,300})["'”’]/i;

/** The agent the request names (the longest name it contains), if any. */
function namedAgent(text: string, agents: PlanContext['agents']): string | undefined {
  const lower = text.toLowerCase();
  const found = agents.filter((agent) => agent.name && lower.includes(agent.name.toLowerCase())).sort((a, b) => b.name.length - a.name.length)[0];
  if (found) return found.id;
  // "the Acme agent": a single word of a name, when only one agent has it.
  const words = new Set(requestWords(text));
  const partial = agents.filter((agent) => requestWords(agent.name).some((word) => word.length > 2 && words.has(word)));
  return partial.length === 1 ? partial[0]!.id : undefined;
}

/** A window's start from words like "today", "this week", "this month", "last 7 days". */
function windowStart(text: string, now: Date): string | undefined {
  const lower = text.toLowerCase();
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const days = /\blast\s+(\d{1,3})\s+days?\b/.exec(lower);
  if (days) return new Date(midnight.getTime() - Number(days[1]) * 86_400_000).toISOString();
  if (/\btoday\b/.test(lower)) return midnight.toISOString();
  if (/\byesterday\b/.test(lower)) return new Date(midnight.getTime() - 86_400_000).toISOString();
  if (/\bthis week\b/.test(lower)) return new Date(midnight.getTime() - ((midnight.getUTCDay() + 6) % 7) * 86_400_000).toISOString();
  if (/\bthis month\b/.test(lower)) return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
  return undefined;
}

/** What the request gives for one field of a tool, if anything. */
function valueFor(tool: Tool, field: string, text: string, context: PlanContext): unknown {
  if (field in context.bound) return context.bound[field];
  const agentField = field === 'agentId' || (field === 'id' && tool.http.path.startsWith('/agents/{id}'));
  if (agentField) return namedAgent(text, context.agents);
  switch (field) {
    case 'name':
      // A quote that is the greeting or a note is not a name.
      return (CALLED.exec(text) ?? (GREETING.test(text) || NOTE.test(text) ? null : QUOTED.exec(text)))?.[1]?.trim();
    case 'note':
      return NOTE.exec(text)?.[1];
    case 'greeting':
      return GREETING.exec(text)?.[1];
    case 'message':
      return QUOTED.exec(text)?.[1];
    case 'from':
      return windowStart(text, context.now);
    case 'e164':
      return /\+[1-9]\d{7,14}\b/.exec(text)?.[0];
    default:
      return undefined;
  }
}

/**
 * The one call to make for the request, or null when none fits: among the offered tools whose verb
 * the request says and whose required fields it fills, the one whose name it says best (ties: the
 * better ranked).
 */
export function planLocally(text: string, ranked: RankedTool[], context: PlanContext): PlannedCall | null {
  // What is in quotes is data (a name, a greeting), not what the person asks to do.
  const intent = text.replace(new RegExp(QUOTED.source, 'g'), ' ');
  let best: (PlannedCall & { score: number }) | null = null;
  for (const { tool } of ranked) {
    if (!verbSaid(tool, intent)) continue;
    const score = lexicalScore(tool, intent);
    if (best && score <= best.score) continue;
    const input = fill(tool, text, context);
    if (input) best = { tool, input, score };
  }
  return best && { tool: best.tool, input: best.input };
}

/** The tool's input from the request, or null when a required field is missing. */
function fill(tool: Tool, text: string, context: PlanContext): Record<string, unknown> | null {
  const schema = jsonSchemaOf(tool.input, 'input');
  const required = new Set(schema.required ?? []);
  const input: Record<string, unknown> = {};
  for (const field of Object.keys(schema.properties ?? {})) {
    const value = valueFor(tool, field, text, context);
    if (value !== undefined) input[field] = value;
    else if (required.has(field)) return null;
  }
  return input;
}

const IDENTIFYING = ['name', 'id', 'status'];

/** Scalars of a result, those the request's words name first: "missed: 3, total: 12". */
export function describeData(data: unknown, text: string): string {
  if (data === null || typeof data !== 'object') return JSON.stringify(data);
  const record = data as Record<string, unknown>;
  if (Array.isArray(record.items)) {
    const names = (record.items as Record<string, unknown>[]).slice(0, 5).map((item) => String(item.name ?? item.title ?? item.id ?? '…'));
    return `${record.items.length}${record.hasMore ? '+' : ''} found${names.length ? `: ${names.join(', ')}` : ''}`;
  }
  const said = requestWords(text).map((word) => word.replace(/(ed|es|s)$/, ''));
  // Empty values say nothing; timestamps say little.
  const scalars = Object.entries(record).filter(([key, value]) => value !== '' && value !== null && !key.endsWith('At') && ['string', 'number', 'boolean'].includes(typeof value));
  const named = (key: string) => said.some((word) => word.length > 2 && key.toLowerCase().startsWith(word));
  // What the request asks about first, then what identifies the thing, then the rest.
  const rank = (key: string) => (named(key) ? 0 : IDENTIFYING.indexOf(key) >= 0 ? 1 + IDENTIFYING.indexOf(key) : IDENTIFYING.length + 1);
  const ordered = [...scalars].sort(([a], [b]) => rank(a) - rank(b));
  return ordered
    .slice(0, 6)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}
