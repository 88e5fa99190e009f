import { describe, expect, it } from 'vitest';
import { chunkFaq, chunkText } from '../../src/runtime/knowledge/chunker.ts';

describe('chunkText', () => {
  it('splits at headings and records the heading path of every chunk', () => {
    const chunks = chunkText('Intro line.\n\n# Billing\n\nPay by card.\n\n## Refunds\n\nWithin 30 days.\n\n# Hours\n\nNine to five.');
    expect(chunks.map((chunk) => [chunk.position, chunk.headingPath, chunk.text])).toEqual([
      [0, '', 'Intro line.'],
      [1, 'Billing', 'Pay by card.'],
      [2, 'Billing > Refunds', 'Within 30 days.'],
      [3, 'Hours', 'Nine to five.'],
    ]);
  });

  it('cuts a long section into chunks near the target size, repeating a little of each at the start of the next', () => {
    const paragraphs = Array.from({ length: 12 }, (_, index) => `Paragraph ${index} ${'word '.repeat(30).trim()}.`);
    const chunks = chunkText(`# Long\n\n${paragraphs.join('\n\n')}`, { targetChars: 500, maxChars: 800, overlapChars: 60 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.headingPath).toBe('Long');
      expect(chunk.text.length).toBeLessThanOrEqual(800 + 60 + 4);
    }
    for (let index = 1; index < chunks.length; index += 1) {
      const previousTail = chunks[index - 1].text.slice(-40);
      expect(chunks[index].text.slice(0, 70)).toContain(previousTail.slice(-20));
    }
    const all = chunks.map((chunk) => chunk.text).join('\n');
    for (let index = 0; index < 12; index += 1) expect(all).toContain(`Paragraph ${index} `);
  });

  it('splits a single over-long paragraph at sentence ends', () => {
    const sentence = 'This sentence is about forty characters. ';
    const chunks = chunkText(sentence.repeat(60), { targetChars: 400, maxChars: 600, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(600);
      expect(chunk.text.endsWith('characters.')).toBe(true);
    }
  });
});

describe('chunkFaq', () => {
  it('makes one chunk per pair, never split, with the question as its heading path', () => {
    const long = 'a'.repeat(3000);
    expect(chunkFaq([{ question: ' Do you deliver? ', answer: long }])).toEqual([{ position: 0, headingPath: 'Do you deliver?', text: `Q: Do you deliver?\nA: ${long}` }]);
  });
});
