import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import wabt from 'wabt';
import { DOT_WASM_BYTES } from '../../src/runtime/knowledge/dot-kernel.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { quietLogger } from '../helpers.ts';

const DIMS = 384;
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) - 0.5;

function unitVector(): Float32Array {
  const vector = Float32Array.from({ length: DIMS }, random);
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

const opened: Services[] = [];
afterEach(() => {
  for (const services of opened.splice(0)) services.close();
});

function open(dataDir: string): Services {
  const services = createServices(loadConfig({ FLOWYTE_DATA_DIR: dataDir }), { logger: quietLogger });
  opened.push(services);
  return services;
}

/** A source with `count` random vectors, stored through the knowledge store. */
function addSource(services: Services, orgId: string, agentId: string, count: number): { id: string; vectors: Float32Array[] } {
  const source = services.knowledge.createSource({ orgId, agentId, kind: 'text', label: 's', url: null, fileId: null, input: 'x' });
  const vectors = Array.from({ length: count }, unitVector);
  services.knowledge.replaceChunks(source, vectors.map((embedding, position) => ({ position, headingPath: '', text: `chunk ${position}`, embedding })), { status: 'indexed' });
  return { id: source.id, vectors };
}

function setup(): { dataDir: string; services: Services; orgId: string; agentId: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-vectors-'));
  const services = open(dataDir);
  const org = services.credentials.bootstrapOrg('V', 'v@example.com', []);
  const agent = services.agents.create(org.org.id, { name: 'A' } as never);
  return { dataDir, services, orgId: org.org.id, agentId: agent.id };
}

/** The exact answer, by brute force over the stored vectors. */
function exact(services: Services, agentId: string, query: Float32Array, k: number, sourceIds?: string[]): number[] {
  const { vectors } = services.knowledge.loadVectors(agentId);
  return vectors
    .filter((vector) => !sourceIds || sourceIds.includes(vector.sourceId))
    .map((vector) => ({ id: vector.id, score: vector.embedding.reduce((sum, value, index) => sum + value * query[index], 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((hit) => hit.id);
}

describe('the dot-product kernel', () => {
  it('is exactly what dot.wat compiles to', async () => {
    const source = fs.readFileSync(fileURLToPath(new URL('../../src/runtime/knowledge/dot.wat', import.meta.url)), 'utf8');
    const compiler = await wabt();
    const module = compiler.parseWat('dot.wat', source, { simd: true });
    expect(Buffer.from(module.toBinary({}).buffer).equals(DOT_WASM_BYTES)).toBe(true);
  });
});

describe('VectorIndex', () => {
  it('finds the exact nearest vectors, within chosen sources too, with cosine distances', () => {
    const { services, orgId, agentId } = setup();
    const first = addSource(services, orgId, agentId, 700);
    const second = addSource(services, orgId, agentId, 500);
    for (let round = 0; round < 5; round += 1) {
      const query = unitVector();
      const found = services.vectors.nearest(agentId, query, 10);
      expect(found.map((hit) => hit.id)).toEqual(exact(services, agentId, query, 10));
      expect(services.vectors.nearest(agentId, query, 10, [second.id]).map((hit) => hit.id)).toEqual(exact(services, agentId, query, 10, [second.id]));
      const stored = services.knowledge.loadVectors(agentId).vectors.find((vector) => vector.id === found[0].id) as { embedding: Float32Array };
      const storeDistance = 1 - stored.embedding.reduce((sum, value, index) => sum + value * query[index], 0);
      expect(found[0].distance).toBeCloseTo(storeDistance, 5);
      expect(services.vectors.distances(agentId, [found[0].id], query).get(found[0].id)).toBeCloseTo(storeDistance, 5);
    }
    expect(first.vectors).toHaveLength(700);
  });

  it('follows re-indexing and deletion in this process without reloading', () => {
    const { services, orgId, agentId } = setup();
    const kept = addSource(services, orgId, agentId, 300);
    const replaced = addSource(services, orgId, agentId, 300);
    const query = unitVector();
    services.vectors.nearest(agentId, query, 5);
    // Re-index the second source with a vector equal to the query: it must come first.
    services.knowledge.replaceChunks({ id: replaced.id, orgId, agentId }, [{ position: 0, headingPath: '', text: 'new', embedding: query }], { status: 'indexed' });
    const after = services.vectors.nearest(agentId, query, 5);
    expect(after[0].distance).toBeCloseTo(0, 5);
    expect(after.map((hit) => hit.id)).toEqual(exact(services, agentId, query, 5));
    services.knowledge.deleteSource(orgId, agentId, replaced.id);
    expect(services.vectors.nearest(agentId, query, 5).map((hit) => hit.id)).toEqual(exact(services, agentId, query, 5));
    expect(kept.id).toMatch(/^ks_/);
  });

  it('sees what another process indexed', () => {
    const { dataDir, services, orgId, agentId } = setup();
    addSource(services, orgId, agentId, 200);
    const query = unitVector();
    services.vectors.nearest(agentId, query, 3);
    const other = open(dataDir);
    other.knowledge.replaceChunks(
      other.knowledge.createSource({ orgId, agentId, kind: 'text', label: 'elsewhere', url: null, fileId: null, input: 'x' }),
      [{ position: 0, headingPath: '', text: 'from the other process', embedding: query }],
      { status: 'indexed' },
    );
    const found = services.vectors.nearest(agentId, query, 3);
    expect(found[0].distance).toBeCloseTo(0, 5);
    expect(found.map((hit) => hit.id)).toEqual(exact(services, agentId, query, 3));
  });
});
