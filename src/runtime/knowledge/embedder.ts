/**
 * Embeddings behind one interface: the local deterministic embedder (default, offline) or an
 * OpenAI-compatible /embeddings endpoint chosen by configuration.
 */
import { FlowyteError } from '../../errors.ts';

export interface Embedder {
  /** Identifies the model and dimensions; stored so that a changed model is noticed. */
  readonly id: string;
  readonly dimensions: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** FNV-1a, 32-bit: a fast, stable hash for feature hashing. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Words, lower-cased and accent-folded, so "Café" and "cafe" meet. */
export function words(text: string): string[] {
  return (text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(WORD) ?? []);
}

/**
 * Hashed word unigrams, bigrams and character trigrams, with signed buckets and sublinear term
 * frequency, L2-normalised. Deterministic, dependency-free, and honest about being lexical.
 */
export class LocalEmbedder implements Embedder {
  readonly id: string;

  constructor(readonly dimensions = 384) {
    this.id = `local-hashed-ngrams-v1/${dimensions}`;
  }

  embedOne(text: string): Float32Array {
    // feature → [term frequency, weight of its kind]
    const counts = new Map<string, [number, number]>();
    const add = (feature: string, weight: number) => {
      const known = counts.get(feature);
      if (known) known[0] += 1;
      else counts.set(feature, [1, weight]);
    };
    const tokens = words(text);
    for (let index = 0; index < tokens.length; index += 1) {
      const token = tokens[index];
      add(`w:${token}`, 1);
      if (index > 0) add(`b:${tokens[index - 1]} ${token}`, 0.5);
      const padded = `<${token}>`;
      if (padded.length > 4) for (let at = 0; at + 3 <= padded.length; at += 1) add(`c:${padded.slice(at, at + 3)}`, 0.2);
    }
    const vector = new Float32Array(this.dimensions);
    for (const [feature, [frequency, weight]] of counts) {
      const hash = fnv1a(feature);
      const sign = hash & 0x80000000 ? -1 : 1;
      vector[hash % this.dimensions] += sign * weight * (1 + Math.log(frequency));
    }
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    for (let index = 0; index < vector.length; index += 1) vector[index] /= norm;
    return vector;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }
}

/** Any server speaking OpenAI's POST /embeddings (OpenAI, Ollama, vLLM, llama.cpp, LM Studio). */
export class OpenAiEmbedder implements Embedder {
  readonly id: string;

  constructor(
    private readonly options: { baseUrl: string; apiKey?: string; model: string; dimensions: number; fetch?: typeof fetch },
  ) {
    this.id = `openai:${options.model}/${options.dimensions}`;
  }

  get dimensions(): number {
    return this.options.dimensions;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const response = await (this.options.fetch ?? fetch)(`${this.options.baseUrl.replace(/\/$/, '')}/embeddings`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(this.options.apiKey ? { Authorization: `Bearer ${this.options.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: this.options.model, input: texts, dimensions: this.options.dimensions, encoding_format: 'float' }),
    });
    if (!response.ok) {
      throw new FlowyteError('fetch_failed', `the embeddings server answered ${response.status}`);
    }
    const body = (await response.json()) as { data?: { index: number; embedding: number[] }[] };
    const rows = [...(body.data ?? [])].sort((a, b) => a.index - b.index);
    if (rows.length !== texts.length || rows.some((row) => row.embedding.length !== this.dimensions)) {
      throw new FlowyteError('fetch_failed', `the embeddings server returned ${rows.length} vectors for ${texts.length} texts, or vectors of the wrong size (expected ${this.dimensions})`);
    }
    return rows.map((row) => Float32Array.from(row.embedding));
  }
}
