/**
 * Word-level text helpers for the local model and anything else that matches utterances against
 * text: content words (stopwords removed, lightly stemmed), sentences, humanised field names.
 */
import { words } from '../../knowledge/embedder.ts';

// Function words, question words and request fillers ("I'd like to…"): they say nothing about
// what the person wants, so matching on them would only add noise.
const STOPWORDS = new Set(
  (
    'a about above after again all also am an and any anything are as at be because been before being below ' +
    'between both but by can could d did do does doing done don down during each either else ever few for from hello hey hi ' +
    'further get gets getting give go going got had has have having he her here hers him his how i if in into ' +
    'is it its itself just know let like ll m may me might mine more most much must my myself need needs no nor ' +
    'not now of off on once only or other our ours out over own please re really s same shall she should so ' +
    'some something such t tell than thank thanks that the their theirs them then there these they thing things this those ' +
    'through to too u under until up us ve very want wanted wants was we well were what whats when where which ' +
    'while who whom whose why will with would y yes you your yours yourself'
  ).split(' '),
);

const DOUBLED_CONSONANT = /([b-df-hj-np-tv-z])\1$/;

/** Light English stemming: plural "s"/"es"/"ies", "ing", "ed" and a final "e", so "booking", "booked" and "books" meet. */
export function stem(word: string): string {
  let base = word;
  if (base.length > 4 && base.endsWith('ies')) base = `${base.slice(0, -3)}y`;
  else if (base.length > 4 && /(?:ss|x|ch|sh)es$/.test(base)) base = base.slice(0, -2);
  else if (base.length > 3 && base.endsWith('s') && !/(?:ss|us|is)$/.test(base)) base = base.slice(0, -1);
  if (base.length > 5 && base.endsWith('ing')) base = base.slice(0, -3);
  else if (base.length > 4 && base.endsWith('ed')) base = base.slice(0, -2);
  // "shipping" → "shipp" → "ship"; l, s and z double in the stem itself ("call", "pass", "buzz").
  if (base.length > 3 && DOUBLED_CONSONANT.test(base) && !/(?:ll|ss|zz)$/.test(base)) base = base.slice(0, -1);
  if (base.length > 3 && base.endsWith('e')) base = base.slice(0, -1);
  return base;
}

/** Whether a lower-cased word is a stopword. */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** The distinct stems of a text's content words, in order of first appearance. */
export function contentStems(text: string): string[] {
  const seen = new Set<string>();
  for (const word of words(text)) {
    if (STOPWORDS.has(word)) continue;
    seen.add(stem(word));
  }
  return [...seen];
}

/** The same stems as a set, for overlap counting. */
export function stemSet(text: string): Set<string> {
  return new Set(contentStems(text));
}

/** How many of `stems` occur in `target`. */
export function overlap(stems: Iterable<string>, target: ReadonlySet<string>): number {
  let count = 0;
  for (const item of stems) if (target.has(item)) count += 1;
  return count;
}

/** Approximate token count: whitespace-separated words. */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const space = code === 32 || (code >= 9 && code <= 13);
    if (!space && !inWord) count += 1;
    inWord = !space;
  }
  return count;
}

/** One sentence of a passage, with the words of the markdown heading it sits under. */
export interface Sentence {
  text: string;
  heading: string;
  /** Position within its passage, for reading order. */
  index: number;
}

const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
// Bullets, numbered items and FAQ labels ("Q:", "A:") are layout, not words of the sentence.
const LIST_MARKER = /^\s*(?:[-*+•]|\d{1,3}[.)]|(?:q|a|question|answer)\s*:)\s+/i;
const EMPHASIS = /\*\*|__/g;
const SENTENCE_END = /[.!?]+["'”’)\]]*\s+/g;
// A full stop after these does not end a sentence.
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'st', 'ave', 'no', 'vs', 'etc', 'e.g', 'i.e', 'inc', 'jr', 'sr', 'approx', 'a.m', 'p.m']);

/** Split markdown-ish text into sentences: headings and list markers stripped, headings remembered as context. */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let heading = '';
  for (const rawLine of text.split('\n')) {
    const headingMatch = HEADING.exec(rawLine);
    if (headingMatch) {
      heading = headingMatch[1].replace(EMPHASIS, '');
      continue;
    }
    const line = rawLine.replace(LIST_MARKER, '').replace(EMPHASIS, '').trim();
    if (!line) continue;
    let start = 0;
    SENTENCE_END.lastIndex = 0;
    for (let match = SENTENCE_END.exec(line); match; match = SENTENCE_END.exec(line)) {
      const before = line.slice(start, match.index);
      const lastWord = before.slice(before.lastIndexOf(' ') + 1).toLowerCase();
      if (match[0].startsWith('.') && (ABBREVIATIONS.has(lastWord) || /^[a-z]$/i.test(lastWord))) continue;
      const end = match.index + match[0].trimEnd().length;
      sentences.push({ text: line.slice(start, end).trim(), heading, index: sentences.length });
      start = match.index + match[0].length;
    }
    const rest = line.slice(start).trim();
    if (rest) sentences.push({ text: rest, heading, index: sentences.length });
  }
  return sentences;
}

/** "preferred_date" / "orderId" → "preferred date" / "order id". */
export function humanise(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
}
