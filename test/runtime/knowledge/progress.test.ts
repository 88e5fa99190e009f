/** Ingestion progress as the store records it: how often it is written, and what a retry starts from. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKnowledgePlatform, makeBookPdf, type KnowledgePlatform } from '../../knowledge-helpers.ts';
import type { IngestionProgress } from '../../../src/store/knowledge.ts';

let platform: KnowledgePlatform | undefined;
afterEach(() => {
  platform?.close();
  platform = undefined;
});

/** Every progress write of the store, in order. */
function recordWrites(p: KnowledgePlatform): IngestionProgress[] {
  const writes: IngestionProgress[] = [];
  const setProgress = p.services.knowledge.setProgress.bind(p.services.knowledge);
  vi.spyOn(p.services.knowledge, 'setProgress').mockImplementation((id, progress) => {
    writes.push(progress);
    setProgress(id, progress);
  });
  return writes;
}

describe('ingestion progress', () => {
  it('is written every ten pages, once per stage and once per embedding batch, never per passage', async () => {
    platform = await createKnowledgePlatform();
    const source = await platform.addFile('manual.pdf', 'application/pdf', await makeBookPdf(25));
    const writes = recordWrites(platform);
    await platform.drain();
    const indexed = await platform.getSource(source.id);
    const total = indexed.chunkCount;
    const pages = { pagesDone: 25, pagesTotal: 25 };
    expect(writes).toEqual([
      { stage: 'extracting', pagesDone: 10, pagesTotal: 25, chunksDone: null, chunksTotal: null },
      { stage: 'extracting', pagesDone: 20, pagesTotal: 25, chunksDone: null, chunksTotal: null },
      { stage: 'extracting', ...pages, chunksDone: null, chunksTotal: null },
      { stage: 'chunking', ...pages, chunksDone: null, chunksTotal: null },
      { stage: 'embedding', ...pages, chunksDone: 0, chunksTotal: total },
      { stage: 'embedding', ...pages, chunksDone: Math.min(64, total), chunksTotal: total },
      ...(total > 64 ? [{ stage: 'embedding', ...pages, chunksDone: total, chunksTotal: total }] : []),
      { stage: 'indexing', ...pages, chunksDone: total, chunksTotal: total },
    ]);
    // The swap to the new passages ended processing in the same transaction.
    expect(indexed).toMatchObject({ status: 'indexed', progress: null });
  });

  it('has no pages for a format without them', async () => {
    platform = await createKnowledgePlatform();
    await platform.addSource({ kind: 'text', label: 'Hours', text: 'We open at 8am on weekdays.' });
    const writes = recordWrites(platform);
    await platform.drain();
    expect(writes.map((write) => [write.stage, write.pagesTotal, write.chunksDone, write.chunksTotal])).toEqual([
      ['chunking', null, null, null],
      ['embedding', null, 0, 1],
      ['embedding', null, 1, 1],
      ['indexing', null, 1, 1],
    ]);
  });

  it('rests as pending between attempts, and a retry starts its progress afresh', async () => {
    let clock = new Date('2026-03-01T10:00:00Z');
    platform = await createKnowledgePlatform({}, () => clock);
    const source = await platform.addFile('manual.pdf', 'application/pdf', await makeBookPdf(12));
    const { embedder } = platform.services;
    const embed = embedder.embed.bind(embedder);
    embedder.embed = async () => {
      throw new Error('the embedding server is down');
    };
    await platform.drain();
    // The failed attempt got as far as embedding; none of that stays on the source.
    expect(await platform.getSource(source.id)).toMatchObject({ status: 'pending', progress: null, error: null, chunkCount: 0 });

    embedder.embed = embed;
    // What a poller sees when the retry has just begun: processing, from the first stage.
    let atStart: unknown;
    const content = platform.services.files.content.bind(platform.services.files);
    vi.spyOn(platform.services.files, 'content').mockImplementation((orgId, id) => {
      atStart ??= platform!.services.knowledge.findSourceById(source.id);
      return content(orgId, id);
    });
    clock = new Date(clock.getTime() + 60_000);
    expect(await platform.drain()).toBe(1);
    expect(atStart).toMatchObject({
      status: 'processing',
      progress: { stage: 'extracting', pagesDone: null, pagesTotal: null, chunksDone: null, chunksTotal: null },
    });
    expect(await platform.getSource(source.id)).toMatchObject({ status: 'indexed', progress: null });
  });
});
