/**
 * Exact nearest-neighbour search over an agent's vectors, held in memory and scored by a WASM
 * SIMD kernel. sqlite-vec remains the durable store; each agent's vectors are loaded on first use
 * and kept current from this process's changes, and reloaded when another process changed them
 * (the agent's index version moved).
 */
import type { IndexChange, KnowledgeStore, StoredVector } from '../../store/knowledge.ts';
import { createDotKernel, type DotKernel } from './dot-kernel.ts';

const PAGE = 65_536;
const QUERY_OFFSET = 0;

interface AgentVectors {
  version: number;
  kernel: DotKernel;
  /** Floats per row, padded to a multiple of 16 for the kernel. */
  stride: number;
  matrixOffset: number;
  capacity: number;
  count: number;
  ids: number[];
  sourceIds: string[];
  slotOf: Map<number, number>;
}

export interface Neighbour {
  id: number;
  /** Cosine distance (vectors are unit length): 1 - similarity. */
  distance: number;
}

export class VectorIndex {
  private readonly agents = new Map<string, AgentVectors>();
  private readonly stride: number;

  constructor(private readonly store: KnowledgeStore) {
    this.stride = Math.ceil(store.dimensions / 16) * 16;
    store.onChange((change) => this.apply(change));
  }

  /** The k nearest vectors of an agent (optionally only of some sources), closest first. */
  nearest(agentId: string, query: Float32Array, k: number, sourceIds?: string[]): Neighbour[] {
    const agent = this.current(agentId);
    if (agent.count === 0) return [];
    const scores = this.score(agent, query);
    const allowed = sourceIds?.length ? new Set(sourceIds) : undefined;
    // Keep the k best in a small sorted array: k is tiny next to the row count.
    const best: number[] = [];
    for (let slot = 0; slot < agent.count; slot += 1) {
      if (allowed && !allowed.has(agent.sourceIds[slot])) continue;
      const score = scores[slot];
      if (best.length === k && score <= scores[best[k - 1]]) continue;
      let at = best.length < k ? best.length : k - 1;
      while (at > 0 && scores[best[at - 1]] < score) at -= 1;
      best.splice(at, 0, slot);
      if (best.length > k) best.pop();
    }
    return best.map((slot) => ({ id: agent.ids[slot], distance: 1 - scores[slot] }));
  }

  /** Cosine distances of particular vectors to a query (for passages found by text alone). */
  distances(agentId: string, ids: number[], query: Float32Array): Map<number, number> {
    const agent = this.current(agentId);
    const padded = this.pad(query);
    const result = new Map<number, number>();
    const matrix = new Float32Array(agent.kernel.memory.buffer, agent.matrixOffset, agent.capacity * agent.stride);
    for (const id of ids) {
      const slot = agent.slotOf.get(id);
      if (slot === undefined) continue;
      let dot = 0;
      for (let index = 0; index < agent.stride; index += 1) dot += matrix[slot * agent.stride + index] * padded[index];
      result.set(id, 1 - dot);
    }
    return result;
  }

  private pad(query: Float32Array): Float32Array {
    if (query.length === this.stride) return query;
    const padded = new Float32Array(this.stride);
    padded.set(query);
    return padded;
  }

  private score(agent: AgentVectors, query: Float32Array): Float32Array {
    const memory = agent.kernel.memory.buffer;
    new Float32Array(memory, QUERY_OFFSET, this.stride).set(this.pad(query));
    const outOffset = agent.matrixOffset + agent.capacity * agent.stride * 4;
    agent.kernel.scores(QUERY_OFFSET, agent.matrixOffset, agent.count, agent.stride, outOffset);
    return new Float32Array(agent.kernel.memory.buffer, outOffset, agent.count);
  }

  /** The agent's vectors, loaded or reloaded if another process changed them. */
  private current(agentId: string): AgentVectors {
    const known = this.agents.get(agentId);
    if (known && known.version === this.store.version(agentId)) return known;
    const { version, vectors } = this.store.loadVectors(agentId);
    const agent: AgentVectors = {
      version,
      kernel: createDotKernel(),
      stride: this.stride,
      matrixOffset: Math.ceil((this.stride * 4) / 64) * 64,
      capacity: 0,
      count: 0,
      ids: [],
      sourceIds: [],
      slotOf: new Map(),
    };
    this.append(agent, vectors);
    this.agents.set(agentId, agent);
    return agent;
  }

  /** Keep a loaded agent current with a change made in this process. */
  private apply(change: IndexChange): void {
    const agent = this.agents.get(change.agentId);
    if (!agent) return;
    if (change.version !== agent.version + 1) {
      // Another process changed the agent too: reload on next use.
      this.agents.delete(change.agentId);
      return;
    }
    this.removeSource(agent, change.sourceId);
    this.append(agent, change.added);
    agent.version = change.version;
  }

  private ensureCapacity(agent: AgentVectors, rows: number): void {
    if (rows <= agent.capacity) return;
    const capacity = Math.max(rows, agent.capacity * 2, 1024);
    const matrixBytes = capacity * agent.stride * 4;
    const needed = agent.matrixOffset + matrixBytes + capacity * 4;
    const memory = agent.kernel.memory;
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
    agent.capacity = capacity;
  }

  private append(agent: AgentVectors, vectors: StoredVector[]): void {
    this.ensureCapacity(agent, agent.count + vectors.length);
    const matrix = new Float32Array(agent.kernel.memory.buffer, agent.matrixOffset, agent.capacity * agent.stride);
    for (const vector of vectors) {
      const slot = agent.count;
      matrix.fill(0, slot * agent.stride, (slot + 1) * agent.stride);
      matrix.set(vector.embedding, slot * agent.stride);
      agent.ids[slot] = vector.id;
      agent.sourceIds[slot] = vector.sourceId;
      agent.slotOf.set(vector.id, slot);
      agent.count += 1;
    }
  }

  /** Remove a source's rows, moving the last rows into the holes. */
  private removeSource(agent: AgentVectors, sourceId: string): void {
    const matrix = new Float32Array(agent.kernel.memory.buffer, agent.matrixOffset, agent.capacity * agent.stride);
    for (let slot = agent.count - 1; slot >= 0; slot -= 1) {
      if (agent.sourceIds[slot] !== sourceId) continue;
      const last = agent.count - 1;
      agent.slotOf.delete(agent.ids[slot]);
      if (slot !== last) {
        matrix.copyWithin(slot * agent.stride, last * agent.stride, (last + 1) * agent.stride);
        agent.ids[slot] = agent.ids[last];
        agent.sourceIds[slot] = agent.sourceIds[last];
        agent.slotOf.set(agent.ids[slot], slot);
      }
      agent.ids.length = last;
      agent.sourceIds.length = last;
      agent.count = last;
    }
  }
}
