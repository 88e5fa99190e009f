/**
 * Skills for the local model: every function tool except `search_knowledge`. A skill is chosen
 * by word overlap between the utterance and the tool's name and description, and an exchange
 * of questions and answers about its missing fields is recognised from the model's own questions.
 */
import type { LanguageModelV3FunctionTool } from '@ai-sdk/provider';
import { words } from '../../knowledge/embedder.ts';
import { extractValue, fieldSpecs, type FieldSpec } from '../extract/fields.ts';
import { contentStems, humanise } from '../extract/text.ts';
import type { Turn } from './prompt.ts';
import { questionFor } from './questions.ts';

export const KNOWLEDGE_TOOL = 'search_knowledge';

/**
 * Selection thresholds. Each distinct content word of the utterance scores 2 if it is a word of
 * the skill's name, 1 if of its description, 0.5 if of a parameter's name or description. A skill
 * needs 2 (one name word, or two description words); an impersonal question ("do you take
 * appointments?") needs 3 when knowledge search is available, as it is usually a knowledge question.
 */
export const SKILL_MIN_SCORE = 2;
export const IMPERSONAL_QUESTION_MIN_SCORE = 3;
const NAME_WEIGHT = 2;
const DESCRIPTION_WEIGHT = 1;
const PARAMETER_WEIGHT = 0.5;
/** A free-text field (message, reason) takes the request whole only if it says this many words beyond the skill's own vocabulary. */
export const FREE_TEXT_MIN_NEW_WORDS = 3;

/** A function tool prepared for matching and filling. */
export interface Skill {
  name: string;
  fields: FieldSpec[];
  /** The question for each field, aligned with `fields`. */
  questions: string[];
  /** Content stem → weight of the best place it occurs (name, description, parameters). */
  weights: Map<string, number>;
}

function addWeights(weights: Map<string, number>, text: string, weight: number): void {
  for (const item of contentStems(text)) if ((weights.get(item) ?? 0) < weight) weights.set(item, weight);
}

/** Prepare one tool as a skill. */
export function toSkill(tool: LanguageModelV3FunctionTool): Skill {
  const fields = fieldSpecs(tool.inputSchema);
  const weights = new Map<string, number>();
  for (const field of fields) addWeights(weights, `${field.label} ${field.schema.description ?? ''}`, PARAMETER_WEIGHT);
  addWeights(weights, tool.description ?? '', DESCRIPTION_WEIGHT);
  addWeights(weights, humanise(tool.name), NAME_WEIGHT);
  return { name: tool.name, fields, questions: fields.map(questionFor), weights };
}

const HAS_DIGIT = /\d/;
/** Field kinds whose value in the utterance is evidence for the skill ("deliver to 80304" and a ZIP field). */
const EVIDENT_KINDS = new Set<FieldSpec['kind']>(['phone', 'email', 'order_id', 'zip']);
const NO_DATES = () => ({});
const EVIDENCE_WEIGHT = 1;

/**
 * How well the utterance matches the skill: its content words (entity tokens such as "a1234" do
 * not count), plus one for each required field of a structured kind the utterance already fills.
 */
export function skillScore(skill: Skill, text: string): number {
  let score = 0;
  for (const item of contentStems(text)) if (!HAS_DIGIT.test(item)) score += skill.weights.get(item) ?? 0;
  if (score === 0) return 0;
  for (const field of skill.fields) {
    if (field.required && EVIDENT_KINDS.has(field.kind) && extractValue(field, text, false, NO_DATES) !== undefined) score += EVIDENCE_WEIGHT;
  }
  return score;
}

const QUESTION_START = new Set(['what', 'when', 'where', 'who', 'why', 'how', 'which', 'do', 'does', 'is', 'are', 'can', 'could', 'will', 'would', 'should', 'did', 'may']);
const FIRST_PERSON = new Set(['i', 'me', 'my', 'mine', 'myself', 'we', 'our', 'us']);

/** "Do you take appointments?" — a question that asks about the business, not for something to be done for the speaker. */
export function isImpersonalQuestion(text: string): boolean {
  const tokens = words(text);
  if (tokens.length === 0 || tokens.some((token) => FIRST_PERSON.has(token))) return false;
  return text.trim().endsWith('?') || QUESTION_START.has(tokens[0]);
}

/** The best-matching skill above the threshold, or undefined. Ties go to the earlier tool. */
export function selectSkill(skills: readonly Skill[], text: string, knowledgeAvailable: boolean): Skill | undefined {
  const minimum = knowledgeAvailable && isImpersonalQuestion(text) ? IMPERSONAL_QUESTION_MIN_SCORE : SKILL_MIN_SCORE;
  let best: Skill | undefined;
  let bestScore = -Infinity;
  for (const skill of skills) {
    const score = skillScore(skill, text);
    if (score >= minimum && score > bestScore) {
      best = skill;
      bestScore = score;
    }
  }
  return best;
}

/** The field that `assistantText` asked for, if it is one of this skill's questions. */
function askedField(skill: Skill, assistantText: string): FieldSpec | undefined {
  const index = skill.questions.findIndex((question) => assistantText.endsWith(question));
  return index < 0 ? undefined : skill.fields[index];
}

/** An exchange about one skill: the fields asked so far with their replies, and the request that started it. */
export interface SkillExchange {
  skill: Skill;
  /** Field name → the reply to its latest question. */
  answers: Map<string, string>;
  /** The field the latest assistant turn asked for. */
  asked: FieldSpec;
  /** The user message that started the exchange ('' if the history no longer holds it). */
  trigger: string;
}

/**
 * If the latest user turn replies to one of this model's questions, the exchange it continues.
 * Walks back over (question, reply) pairs of the same skill; when two skills share the question,
 * the one that better matches the starting request wins.
 */
export function continuedExchange(turns: readonly Turn[], skills: readonly Skill[]): SkillExchange | undefined {
  const last = turns.length - 1;
  if (last < 1 || turns[last].role !== 'user' || turns[last - 1].role !== 'assistant' || !turns[last - 1].text.endsWith('?')) {
    return undefined;
  }
  let chosen: SkillExchange | undefined;
  let chosenScore = -1;
  for (const skill of skills) {
    const asked = askedField(skill, turns[last - 1].text);
    if (!asked) continue;
    const answers = new Map<string, string>();
    let index = last;
    let field: FieldSpec | undefined = asked;
    while (field) {
      if (!answers.has(field.name)) answers.set(field.name, turns[index].text);
      index -= 2;
      const isPair = index >= 1 && turns[index].role === 'user' && turns[index - 1].role === 'assistant';
      field = isPair ? askedField(skill, turns[index - 1].text) : undefined;
    }
    const trigger = index >= 0 && turns[index].role === 'user' ? turns[index].text : '';
    const score = skillScore(skill, trigger);
    if (score > chosenScore) {
      chosen = { skill, answers, asked, trigger };
      chosenScore = score;
    }
  }
  return chosen;
}

/** The request itself as a free-text value, when it says more than "take a message". */
export function freeTextOf(skill: Skill, text: string): string | undefined {
  let newWords = 0;
  for (const item of contentStems(text)) if (!skill.weights.has(item)) newWords += 1;
  return newWords >= FREE_TEXT_MIN_NEW_WORDS ? text.trim() : undefined;
}
