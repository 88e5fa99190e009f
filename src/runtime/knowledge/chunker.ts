/**
 * Chunking: Markdown-ish text is split at headings into sections, each section into chunks of
 * about `targetChars` on paragraph (then sentence) boundaries with a little overlap. Every chunk
 * keeps its heading path. FAQ pairs are never split.
 */

export interface Chunk {
  position: number;
  /** "Billing > Refunds", or "" before the first heading. */
  headingPath: string;
  text: string;
}

export interface ChunkOptions {
  targetChars: number;
  maxChars: number;
  overlapChars: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { targetChars: 900, maxChars: 1400, overlapChars: 150 };

interface Section {
  path: string[];
  paragraphs: string[];
}

const HEADING = /^(#{1,6})\s+(.*\S)\s*$/;

function sections(text: string): Section[] {
  const found: Section[] = [{ path: [], paragraphs: [] }];
  const stack: { level: number; title: string }[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length) found[found.length - 1].paragraphs.push(paragraph.join('\n').trim());
    paragraph = [];
  };
  for (const line of text.split('\n')) {
    const heading = HEADING.exec(line);
    if (heading) {
      endParagraph();
      const level = heading[1].length;
      while (stack.length && stack[stack.length - 1].level >= level) stack.pop();
      stack.push({ level, title: heading[2].replace(/#+$/, '').trim() });
      found.push({ path: stack.map((entry) => entry.title), paragraphs: [] });
    } else if (line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line);
    }
  }
  endParagraph();
  return found.filter((section) => section.paragraphs.some(Boolean));
}

/** Split an over-long paragraph at sentence ends (or, failing that, at spaces). */
function splitLong(paragraph: string, maxChars: number): string[] {
  if (paragraph.length <= maxChars) return [paragraph];
  const sentences = paragraph.match(/[^.!?\n]+(?:[.!?]+|\n|$)\s*/g) ?? [paragraph];
  const pieces: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    if (current && current.length + sentence.length > maxChars) {
      pieces.push(current.trim());
      current = '';
    }
    if (sentence.length > maxChars) {
      for (let at = 0; at < sentence.length; at += maxChars) pieces.push(sentence.slice(at, at + maxChars).trim());
    } else {
      current += sentence;
    }
  }
  if (current.trim()) pieces.push(current.trim());
  return pieces;
}

/** The tail of a chunk to repeat at the start of the next, cut at a word boundary. */
function overlapOf(text: string, overlapChars: number): string {
  if (overlapChars <= 0 || text.length <= overlapChars) return '';
  const tail = text.slice(-overlapChars);
  const space = tail.indexOf(' ');
  return space >= 0 ? tail.slice(space + 1) : tail;
}

/** Chunk a document. */
export function chunkText(text: string, options: ChunkOptions = DEFAULT_CHUNKING): Chunk[] {
  const chunks: Chunk[] = [];
  for (const section of sections(text)) {
    const headingPath = section.path.join(' > ');
    let current = '';
    const flush = () => {
      if (current.trim()) chunks.push({ position: chunks.length, headingPath, text: current.trim() });
    };
    for (const piece of section.paragraphs.flatMap((paragraph) => splitLong(paragraph, options.maxChars))) {
      if (current && current.length + piece.length + 2 > options.targetChars) {
        flush();
        const carried = overlapOf(current, options.overlapChars);
        current = carried ? `${carried}\n\n` : '';
      }
      current += `${piece}\n\n`;
    }
    flush();
  }
  return chunks;
}

/** FAQ pairs: one chunk per pair, never split. */
export function chunkFaq(pairs: { question: string; answer: string }[]): Chunk[] {
  return pairs.map((pair, position) => ({
    position,
    headingPath: pair.question.trim(),
    text: `Q: ${pair.question.trim()}\nA: ${pair.answer.trim()}`,
  }));
}
