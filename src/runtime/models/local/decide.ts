/**
 * One step of the local model: from the prompt, decide to say something or to call tools.
 * Pure and deterministic given the call options (and `now`, when relative dates are resolved).
 */
import type { JSONValue, LanguageModelV3CallOptions, LanguageModelV3FunctionTool } from '@ai-sdk/provider';
import { dateReference, type DateReference } from '../extract/dates.ts';
import { fillFields } from '../extract/fields.ts';
import { callKey, localModelOptions, readPrompt, type LocalModelOptions, type Turn } from './prompt.ts';
import { FIRST_ASK_PREFIX, NEXT_ASK_PREFIX, REPEAT_ASK_PREFIX } from './questions.ts';
import { continuedExchange, freeTextOf, isImpersonalQuestion, KNOWLEDGE_TOOL, selectSkill, toSkill, type Skill } from './skills.ts';
import { smallTalkKind, smallTalkReply, type SmallTalkKind } from './small-talk.ts';
import { DEFAULT_FALLBACK, replyFromToolResults, type ReplyKind } from './tool-replies.ts';

/** Why the model said or did what it did; the engine can use it (e.g. a fallback is a knowledge gap). */
export type DecisionKind = SmallTalkKind | ReplyKind | 'ask' | 'skill_call' | 'knowledge_search';

export interface PlannedToolCall {
  toolName: string;
  input: Record<string, JSONValue>;
}

export type Decision =
  | { type: 'text'; text: string; kind: DecisionKind }
  | { type: 'tool-calls'; calls: PlannedToolCall[]; kind: DecisionKind };

/** Earlier user messages consulted for parameter values, the current one included. */
const LOOKBACK_MESSAGES = 6;

function functionTools(options: LanguageModelV3CallOptions): LanguageModelV3FunctionTool[] {
  const choice = options.toolChoice;
  if (choice?.type === 'none') return [];
  const tools = (options.tools ?? []).filter((tool): tool is LanguageModelV3FunctionTool => tool.type === 'function');
  return choice?.type === 'tool' ? tools.filter((tool) => tool.name === choice.toolName) : tools;
}

function text(value: string, kind: DecisionKind): Decision {
  return { type: 'text', text: value, kind };
}

/** Decide one model step. */
export function decideStep(options: LanguageModelV3CallOptions): { decision: Decision; inputWords: number } {
  const view = readPrompt(options.prompt);
  const settings = localModelOptions(options.providerOptions);
  const fallback = settings.fallback ?? DEFAULT_FALLBACK;
  if (view.lastRole === 'tool' && view.trailingResults.length) {
    const reply = replyFromToolResults(view.trailingResults, view.lastUserText, fallback);
    return { decision: text(reply.text, reply.kind), inputWords: view.inputWords };
  }
  const lastUser = view.turns.findLastIndex((turn) => turn.role === 'user');
  // No user words: greet at the very start (a call's opening line), else admit there is nothing to go on.
  if (!view.lastUserText || lastUser < 0) {
    const opening = view.turns.length === 0 ? smallTalkReply('greeting', settings) : fallback;
    return { decision: text(opening, view.turns.length === 0 ? 'greeting' : 'fallback'), inputWords: view.inputWords };
  }
  const decision = decideForUser(view.turns.slice(0, lastUser + 1), functionTools(options), settings, fallback);
  // Never repeat a call already made this turn with the same input: answer instead.
  if (decision.type === 'tool-calls' && decision.calls.some((call) => view.callsThisTurn.has(callKey(call.toolName, call.input)))) {
    return { decision: text(fallback, 'fallback'), inputWords: view.inputWords };
  }
  return { decision, inputWords: view.inputWords };
}

function decideForUser(turns: Turn[], tools: LanguageModelV3FunctionTool[], settings: LocalModelOptions, fallback: string): Decision {
  const utterance = turns[turns.length - 1].text;
  const small = smallTalkKind(utterance, settings.agentName);
  if (small) return text(smallTalkReply(small, settings), small);

  const knowledgeAvailable = tools.some((tool) => tool.name === KNOWLEDGE_TOOL);
  const skills = tools.filter((tool) => tool.name !== KNOWLEDGE_TOOL).map(toSkill);
  const texts: string[] = [];
  for (let index = turns.length - 1; index >= 0 && texts.length < LOOKBACK_MESSAGES; index -= 1) {
    if (turns[index].role === 'user') texts.push(turns[index].text);
  }
  let reference: DateReference | undefined;
  const context: FillContext = {
    texts,
    reference: () => (reference ??= dateReference(settings.now && !Number.isNaN(Date.parse(settings.now)) ? settings.now : new Date())),
  };

  const selected = selectSkill(skills, utterance, knowledgeAvailable);
  const exchange = continuedExchange(turns, skills);
  if (exchange) {
    const continued = skillStep(exchange.skill, exchange.answers, exchange.trigger, NEXT_ASK_PREFIX, context);
    if (exchange.asked.name in continued.input) return continued.decision;
    // The reply did not answer the question. A new request or a question starts over; otherwise
    // ask once more, and after a second miss stop asking and offer the fallback.
    const changedSubject = (selected !== undefined && selected !== exchange.skill) || utterance.trim().endsWith('?') || isImpersonalQuestion(utterance);
    if (!changedSubject) {
      const previous = turns[turns.length - 2].text;
      if (previous.startsWith(REPEAT_ASK_PREFIX)) return text(fallback, 'fallback');
      return text(REPEAT_ASK_PREFIX + exchange.skill.questions[exchange.skill.fields.indexOf(exchange.asked)], 'ask');
    }
  }

  if (selected) return skillStep(selected, new Map(), utterance, FIRST_ASK_PREFIX, context).decision;
  if (knowledgeAvailable) return { type: 'tool-calls', calls: [{ toolName: KNOWLEDGE_TOOL, input: { query: utterance } }], kind: 'knowledge_search' };
  return text(fallback, 'fallback');
}

interface FillContext {
  /** The user's messages, most recent first. */
  texts: string[];
  reference: () => DateReference;
}

/** Fill the skill's input; call it when every required field has a value, else ask for the first missing one. */
function skillStep(
  skill: Skill,
  answers: Map<string, string>,
  request: string,
  askPrefix: string,
  context: FillContext,
): { decision: Decision; input: Record<string, JSONValue> } {
  const { input, missing } = fillFields(skill.fields, { answers, texts: context.texts, freeText: freeTextOf(skill, request), reference: context.reference });
  if (missing.length) return { decision: text(askPrefix + skill.questions[skill.fields.indexOf(missing[0])], 'ask'), input };
  return { decision: { type: 'tool-calls', calls: [{ toolName: skill.name, input }], kind: 'skill_call' }, input };
}
