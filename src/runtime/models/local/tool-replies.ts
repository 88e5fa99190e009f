/**
 * What the local model says after tools ran: an extractive answer from knowledge passages, or
 * the skill's own words (`message` / `say`), or a short confirmation of the result's fields.
 */
import type { JSONValue, LanguageModelV3ToolResultOutput, LanguageModelV3ToolResultPart } from '@ai-sdk/provider';
import { humanise } from '../extract/text.ts';
import { answerFromPassages, passagesOf } from './knowledge-answer.ts';
import { KNOWLEDGE_TOOL } from './skills.ts';

export const DEFAULT_FALLBACK = "I'm sorry, I don't have that information. I can take a message or connect you with someone who can help.";
const SKILL_FAILED = "I'm sorry, I couldn't complete that just now. I can take a message so someone can follow up.";
const CONFIRMATION_FIELDS = 6;

/** How a reply came about; reported to the engine as provider metadata. */
export type ReplyKind = 'knowledge_answer' | 'fallback' | 'skill_reply';

export interface ToolReply {
  text: string;
  kind: ReplyKind;
}

/** The result's value, with JSON text parsed; undefined for errors and denials. */
function successValue(output: LanguageModelV3ToolResultOutput): JSONValue | undefined {
  if (output.type === 'json') return output.value;
  if (output.type !== 'text') return undefined;
  try {
    return JSON.parse(output.value) as JSONValue;
  } catch {
    // Plain prose from the tool, not JSON: say it as it is.
    return output.value;
  }
}

function scalarText(value: JSONValue): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return undefined;
}

/** A skill's result in words: its own `message`/`say`, an apology on `error`, or "Done." with its scalar fields. */
export function skillReply(output: LanguageModelV3ToolResultOutput): string {
  const value = successValue(output);
  if (value === undefined) return SKILL_FAILED;
  if (typeof value === 'string') return value.trim() || 'Done.';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'Done.';
  for (const key of ['message', 'say']) {
    const said = value[key];
    if (typeof said === 'string' && said.trim()) return said.trim();
  }
  if (value.error !== undefined && value.error !== null && value.error !== false) return SKILL_FAILED;
  // A list of records (a lookup that found several): read out the first few.
  const records = Object.values(value).find((field): field is JSONValue[] => Array.isArray(field) && field.length > 0 && field.every(isRecord));
  if (records) {
    const read = records.slice(0, LISTED_RECORDS).map((record) => facts(record as Record<string, JSONValue>).join(', '));
    return `I found ${records.length === 1 ? 'one' : records.length}: ${read.join('; ')}${records.length > LISTED_RECORDS ? '; and more' : ''}.`;
  }
  const said = facts(value);
  return said.length ? `Done. ${said.join(', ')}.` : 'Done.';
}

const LISTED_RECORDS = 3;
const isRecord = (value: JSONValue | undefined) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** "Label: value" for the first scalar fields of a result. */
function facts(value: Record<string, JSONValue | undefined>): string[] {
  const said: string[] = [];
  for (const [key, field] of Object.entries(value)) {
    const text = field === undefined ? undefined : scalarText(field);
    if (text !== undefined) said.push(`${humanise(key)}: ${text}`);
    if (said.length === CONFIRMATION_FIELDS) break;
  }
  return said;
}

/** The reply composed from the results of one step's tool calls. */
export function replyFromToolResults(results: readonly LanguageModelV3ToolResultPart[], question: string, fallback: string): ToolReply {
  const texts: string[] = [];
  let kind: ReplyKind = 'skill_reply';
  for (const result of results) {
    if (result.toolName !== KNOWLEDGE_TOOL) {
      texts.push(skillReply(result.output));
      continue;
    }
    const value = successValue(result.output);
    const answer = answerFromPassages(question, passagesOf(value));
    if (answer) {
      texts.push(answer);
      if (kind !== 'fallback') kind = 'knowledge_answer';
    } else {
      texts.push(fallback);
      kind = 'fallback';
    }
  }
  const distinct = [...new Set(texts)];
  return { text: distinct.join(' ') || fallback, kind: distinct.length ? kind : 'fallback' };
}
