/**
 * Synthetic but text-like knowledge for the knowledge benchmark, deterministic from a seed.
 *
 * A vocabulary of a few thousand pronounceable made-up words (plus real English function words)
 * with Zipf frequencies, grouped into topics: every document is about one topic, so its sentences
 * mix function words, the topic's own words (Zipf within the topic) and general words (Zipf over
 * the whole vocabulary). Chunks of one topic share words, so a query has meaningful nearest
 * neighbours, while common words make full-text matching as unselective as on real text.
 */

/** mulberry32: small, fast, good enough for benchmark data. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws indexes 0..n-1 with probability ∝ 1 / (rank + 1)^s. */
class Zipf {
  private readonly cumulative: Float64Array;

  constructor(n: number, s: number) {
    this.cumulative = new Float64Array(n);
    let total = 0;
    for (let rank = 0; rank < n; rank++) this.cumulative[rank] = total += 1 / Math.pow(rank + 1, s);
    for (let rank = 0; rank < n; rank++) this.cumulative[rank] /= total;
  }

  draw(random: () => number): number {
    const target = random();
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

const FUNCTION_WORDS = (
  'the of and to a in is for that with on as are by this be or it from at your we can you an will not our if all ' +
  'has have more when which their also each any may after before about into than other only new some these there ' +
  'what how who where they its out up one two per most such been should must do does was were'
).split(' ');

const ONSETS = ['b', 'br', 'c', 'ch', 'cl', 'd', 'dr', 'f', 'fl', 'g', 'gr', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'pl', 'pr', 'qu', 'r', 's', 'sh', 'st', 't', 'tr', 'v', 'w', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou', 'y'];
const CODAS = ['', '', '', 'n', 'r', 's', 'l', 't', 'nd', 'st', 'rt', 'm', 'x', 'ck'];
const ENDINGS = ['', '', '', '', '', '', '', 'ing', 'ed', 'er', 'ion', 'al', 'ment', 'ly'];

export interface CorpusOptions {
  seed: number;
  vocabulary: number;
  topics: number;
  wordsPerTopic: number;
}

export const DEFAULT_CORPUS: CorpusOptions = { seed: 20260728, vocabulary: 4000, topics: 400, wordsPerTopic: 80 };

export class Corpus {
  readonly vocabulary: string[];
  private readonly topicWords: string[][];
  private readonly general: Zipf;
  private readonly withinTopic: Zipf;
  private readonly functional: Zipf;

  constructor(readonly options: CorpusOptions = DEFAULT_CORPUS) {
    const random = rng(options.seed);
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
    const seen = new Set(FUNCTION_WORDS);
    this.vocabulary = [];
    while (this.vocabulary.length < options.vocabulary) {
      const syllables = random() < 0.45 ? 1 : random() < 0.8 ? 2 : 3;
      let word = '';
      for (let at = 0; at < syllables; at++) word += pick(ONSETS) + pick(VOWELS) + (at === syllables - 1 ? pick(CODAS) : '');
      word += pick(ENDINGS);
      if (word.length >= 3 && !seen.has(word)) {
        seen.add(word);
        this.vocabulary.push(word);
      }
    }
    // Topic words come from the whole vocabulary except its most common few hundred.
    this.topicWords = [];
    for (let topic = 0; topic < options.topics; topic++) {
      const words: string[] = [];
      while (words.length < options.wordsPerTopic) words.push(this.vocabulary[300 + Math.floor(random() * (this.vocabulary.length - 300))]);
      this.topicWords.push(words);
    }
    this.general = new Zipf(this.vocabulary.length, 1.05);
    this.withinTopic = new Zipf(options.wordsPerTopic, 0.9);
    this.functional = new Zipf(FUNCTION_WORDS.length, 1);
  }

  word(random: () => number, topic: number): string {
    const kind = random();
    if (kind < 0.4) return FUNCTION_WORDS[this.functional.draw(random)];
    if (kind < 0.75) return this.topicWords[topic][this.withinTopic.draw(random)];
    return this.vocabulary[this.general.draw(random)];
  }

  sentence(random: () => number, topic: number): string {
    const length = 7 + Math.floor(random() * 14);
    const words: string[] = [];
    for (let at = 0; at < length; at++) words.push(this.word(random, topic));
    const text = words.join(' ');
    return `${text[0].toUpperCase()}${text.slice(1)}${random() < 0.1 ? '?' : '.'}`;
  }

  title(random: () => number, topic: number): string {
    const words = 2 + Math.floor(random() * 2);
    const parts: string[] = [];
    for (let at = 0; at < words; at++) {
      const word = this.topicWords[topic][this.withinTopic.draw(random)];
      parts.push(`${word[0].toUpperCase()}${word.slice(1)}`);
    }
    return parts.join(' ');
  }

  /** About `chars` characters of sentences on one topic (one paragraph). */
  passage(random: () => number, topic: number, chars: number): string {
    let text = '';
    while (text.length < chars) text += (text ? ' ' : '') + this.sentence(random, topic);
    return text;
  }

  /**
   * A Markdown document on one topic: a title, `sections` sections under `##` headings, each of
   * several paragraphs. About `chars` characters in all.
   */
  document(random: () => number, topic: number, chars: number, sections: number): string {
    const lines = [`# ${this.title(random, topic)}`, ''];
    const perSection = chars / sections;
    for (let section = 0; section < sections; section++) {
      lines.push(`## ${this.title(random, topic)}`, '');
      let written = 0;
      while (written < perSection) {
        const paragraph = this.passage(random, topic, 80 + Math.floor(random() * 220));
        lines.push(paragraph, '');
        written += paragraph.length;
      }
    }
    return lines.join('\n');
  }

  get topics(): number {
    return this.options.topics;
  }
}
