/**
 * Extractive answers: the one or two sentences of the retrieved passages that best match the
 * question, verbatim. Nothing is paraphrased or added, so nothing can be invented.
 */
import { contentStems, countWords, overlap, splitSentences, stemSet, type Sentence } from '../extract/text.ts';

/** One retrieved passage, as the `search_knowledge` tool returns it. */
export interface Passage {
  text: string;
  sourceId: string;
  /** Cosine similarity to the query, 0..1. */
  score: number;
}

/**
 * Thresholds. A sentence answers when it shares a content word with the question and either
 * covers at least half of the question's content words (its section heading counts at half
 * weight) or comes from a passage the retriever scored at least 0.35. No shared word → no answer.
 */
export const MIN_QUESTION_COVERAGE = 0.5;
export const STRONG_PASSAGE_SCORE = 0.35;
const PASSAGES_READ = 3;
const SENTENCES_READ = 60;
const HEADING_WEIGHT = 0.5;
// A second sentence joins only if it is nearly as good and shares at least two words.
const SECOND_SENTENCE_RATIO = 0.75;
const SECOND_SENTENCE_MIN_WORDS = 2;
const SHORT_SENTENCE_WORDS = 4;

/** The passages in a `search_knowledge` result value; anything malformed is skipped. */
export function passagesOf(value: unknown): Passage[] {
  if (typeof value !== 'object' || value === null || !('passages' in value) || !Array.isArray(value.passages)) return [];
  const passages: Passage[] = [];
  for (const item of value.passages as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { text, sourceId, score } = item as Record<string, unknown>;
    if (typeof text !== 'string' || !text.trim()) continue;
    passages.push({ text, sourceId: typeof sourceId === 'string' ? sourceId : '', score: typeof score === 'number' ? score : 0 });
  }
  return passages;
}

interface Candidate {
  sentence: Sentence;
  sentences: Sentence[];
  passageScore: number;
  direct: number;
  weighted: number;
}

/** Sentence-level reply to `question` from `passages` (best first), or undefined when they do not answer it. */
export function answerFromPassages(question: string, passages: readonly Passage[]): string | undefined {
  const questionStems = contentStems(question);
  if (questionStems.length === 0 || passages.length === 0) return undefined;
  let best: Candidate | undefined;
  let bestPassage: Candidate[] = [];
  const headingStems = new Map<string, Set<string>>();
  for (const passage of passages.slice(0, PASSAGES_READ)) {
    const sentences = splitSentences(passage.text).slice(0, SENTENCES_READ);
    const candidates: Candidate[] = [];
    for (const sentence of sentences) {
      const sentenceStems = stemSet(sentence.text);
      let heading = headingStems.get(sentence.heading);
      if (!heading) headingStems.set(sentence.heading, (heading = stemSet(sentence.heading)));
      const direct = overlap(questionStems, sentenceStems);
      let fromHeading = 0;
      for (const item of questionStems) if (heading.has(item) && !sentenceStems.has(item)) fromHeading += 1;
      const candidate = { sentence, sentences, passageScore: passage.score, direct, weighted: direct + HEADING_WEIGHT * fromHeading };
      candidates.push(candidate);
      // Strictly better only: ties go to the better-ranked passage and the earlier sentence.
      if (!best || candidate.weighted > best.weighted) {
        best = candidate;
        bestPassage = candidates;
      }
    }
  }
  if (!best || best.weighted === 0) return undefined;
  const coverage = best.weighted / questionStems.length;
  if (coverage < MIN_QUESTION_COVERAGE && best.passageScore < STRONG_PASSAGE_SCORE) return undefined;
  let runnerUp: Candidate | undefined;
  for (const candidate of bestPassage) if (candidate !== best && (!runnerUp || candidate.weighted > runnerUp.weighted)) runnerUp = candidate;
  return chooseSentences(best, runnerUp).map((sentence) => sentence.text).join(' ') || undefined;
}

/** The best sentence, plus what makes it a complete answer: the reply after an FAQ question, a continuation, or a near-tie. */
function chooseSentences(best: Candidate, runnerUp: Candidate | undefined): Sentence[] {
  const { sentence, sentences } = best;
  const next = sentences[sentence.index + 1];
  const afterNext = sentences[sentence.index + 2];
  if (sentence.text.endsWith('?')) {
    // The passage repeats the question (an FAQ); the answer is what follows it.
    if (!next || next.text.endsWith('?')) return [];
    return countWords(next.text) < SHORT_SENTENCE_WORDS && afterNext && !afterNext.text.endsWith('?') ? [next, afterNext] : [next];
  }
  if ((sentence.text.endsWith(':') || countWords(sentence.text) < SHORT_SENTENCE_WORDS) && next && next.heading === sentence.heading) {
    return [sentence, next];
  }
  if (
    runnerUp &&
    !runnerUp.sentence.text.endsWith('?') &&
    runnerUp.direct >= SECOND_SENTENCE_MIN_WORDS &&
    runnerUp.weighted >= SECOND_SENTENCE_RATIO * best.weighted
  ) {
    return [sentence, runnerUp.sentence].sort((left, right) => left.index - right.index);
  }
  return [sentence];
}
