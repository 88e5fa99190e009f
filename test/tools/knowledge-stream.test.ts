/** stream_knowledge_source: a source's ingestion followed live over SSE and MCP. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { body, connectMcp } from '../helpers.ts';
import { createKnowledgePlatform, makeBookPdf, startWebServer, type KnowledgePlatform, type WebServer } from '../knowledge-helpers.ts';
import { parseSse, readSse, type SseFrame } from '../fixtures/sse.ts';

let platform: KnowledgePlatform | undefined;
let web: WebServer | undefined;
afterEach(async () => {
  await web?.close();
  platform?.close();
  platform = undefined;
  web = undefined;
});

const streamPath = (p: KnowledgePlatform, id: string) => `/agents/${p.agentId}/knowledge/sources/${id}/stream`;

/** Take frames from a live stream until one matches, keeping them all. */
async function readUntil(frames: AsyncGenerator<SseFrame>, seen: SseFrame[], matches: (frame: SseFrame) => boolean): Promise<void> {
  for (;;) {
    const next = await frames.next();
    if (next.done) throw new Error(`the stream ended before the expected frame: ${JSON.stringify(seen)}`);
    seen.push(next.value);
    if (matches(next.value)) return;
  }
}

async function readRest(frames: AsyncGenerator<SseFrame>, seen: SseFrame[]): Promise<void> {
  for (let next = await frames.next(); !next.done; next = await frames.next()) seen.push(next.value);
}

describe('stream_knowledge_source', () => {
  it('streams a PDF being indexed: pending, processing with its progress, then done with the indexed source', async () => {
    platform = await createKnowledgePlatform();
    const source = await platform.addFile('manual.pdf', 'application/pdf', await makeBookPdf(40));
    const held = platform.holdEmbedding();
    const response = await platform.request('GET', streamPath(platform, source.id));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const frames = readSse(response);
    const seen: SseFrame[] = [];
    const working = platform.drain();

    // The job waits at its first embedding batch: the stream and a plain GET both see it there.
    await readUntil(frames, seen, (frame) => frame.event === 'progress' && frame.data.stage === 'embedding');
    const midway = await platform.getSource(source.id);
    expect(midway).toMatchObject({ status: 'processing', chunkCount: 0 });
    expect(midway.progress).toEqual({ stage: 'embedding', pagesDone: 40, pagesTotal: 40, chunksDone: 0, chunksTotal: expect.any(Number) });
    const chunksTotal = midway.progress.chunksTotal;
    expect(chunksTotal).toBeGreaterThan(64); // more than one embedding batch
    expect(seen.at(-1)).toEqual({ event: 'progress', data: { id: source.id, ...midway.progress } });

    held.release();
    expect(await working).toBe(1);
    await readRest(frames, seen);
    const indexed = await platform.getSource(source.id);
    expect(indexed).toMatchObject({ status: 'indexed', progress: null, chunkCount: chunksTotal });
    expect(seen.slice(0, 2)).toEqual([
      { event: 'status', data: { id: source.id, status: 'pending' } },
      { event: 'status', data: { id: source.id, status: 'processing' } },
    ]);
    expect(seen.slice(-2)).toEqual([
      { event: 'status', data: { id: source.id, status: 'indexed' } },
      { event: 'done', data: indexed },
    ]);
    // In between, only progress, moving forward (which writes a poll lands on depends on timing).
    const progress = seen.slice(2, -2);
    expect(progress.every((frame) => frame.event === 'progress')).toBe(true);
    const stages = ['extracting', 'chunking', 'embedding', 'indexing'];
    const order = progress.map((frame) => stages.indexOf(frame.data.stage) * 1e6 + (frame.data.pagesDone ?? 0) * 1e3 + (frame.data.chunksDone ?? 0));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(indexed).not.toHaveProperty('content');
  });

  it('ends at once with done for a source that is already indexed', async () => {
    platform = await createKnowledgePlatform();
    const source = await platform.addSource({ kind: 'text', label: 'Hours', text: 'We open at 8am on weekdays.' });
    await platform.drain();
    const indexed = await platform.getSource(source.id);
    const response = await platform.request('GET', streamPath(platform, source.id));
    expect(parseSse(await response.text())).toEqual([
      { event: 'status', data: { id: source.id, status: 'indexed' } },
      { event: 'done', data: indexed },
    ]);
  });

  it('ends with done and status error for a source that could not be indexed', async () => {
    platform = await createKnowledgePlatform({ allowPrivateNetwork: true });
    web = await startWebServer();
    web.serve('/help', { body: '<p>Intranet</p>' });
    const source = await platform.addSource({ kind: 'url', label: 'Intranet', url: `${web.url}/help` });
    // Saved while private networks were allowed; the crawl checks again and is refused.
    platform.services.config.allowPrivateNetwork = false;
    const response = await platform.request('GET', streamPath(platform, source.id));
    const text = response.text();
    await platform.drain();
    const frames = parseSse(await text);
    const failed = await platform.getSource(source.id);
    expect(failed).toMatchObject({ status: 'error', progress: null, error: expect.stringMatching(/loopback/) });
    expect(frames[0]).toEqual({ event: 'status', data: { id: source.id, status: 'pending' } });
    expect(frames.slice(-2)).toEqual([
      { event: 'status', data: { id: source.id, status: 'error' } },
      { event: 'done', data: failed },
    ]);
  });

  it('follows a refresh queued for an indexed source to its end, rather than ending before it starts', async () => {
    let clock = new Date('2026-03-01T10:00:00Z');
    platform = await createKnowledgePlatform({}, () => clock);
    web = await startWebServer();
    web.serve('/faq', { body: '<h1>FAQ</h1><p>We open at 8am every weekday.</p>' });
    const source = await platform.addSource({ kind: 'url', label: 'FAQ', url: `${web.url}/faq` });
    await platform.drain();
    clock = new Date('2026-03-01T11:00:00Z');
    await platform.request('POST', `/agents/${platform.agentId}/knowledge/sources/${source.id}/refresh`, { body: {} });
    const response = await platform.request('GET', streamPath(platform, source.id));
    const text = response.text();
    await platform.drain();
    const frames = parseSse(await text);
    expect(frames[0]).toEqual({ event: 'status', data: { id: source.id, status: 'indexed' } });
    expect(frames.at(-1)).toMatchObject({ event: 'done', data: { status: 'indexed', lastCheckedAt: '2026-03-01T11:00:00.000Z' } });
  });

  it("answers 404 for another org's source, before any stream opens", async () => {
    platform = await createKnowledgePlatform();
    const source = await platform.addSource({ kind: 'text', label: 'Hours', text: 'We open at 8am on weekdays.' });
    const otherAgent = (await body(await platform.request('POST', '/agents', { body: { name: 'B' }, token: platform.orgB.apiKey.secret }))).data;
    for (const path of [streamPath(platform, source.id), `/agents/${otherAgent.id}/knowledge/sources/${source.id}/stream`]) {
      const response = await platform.request('GET', path, { token: platform.orgB.apiKey.secret });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('sends MCP progress notifications per event and returns the final source', async () => {
    platform = await createKnowledgePlatform();
    const source = await platform.addSource({ kind: 'text', label: 'Hours', text: 'We open at 8am on weekdays.' });
    const client = await connectMcp(platform);
    const messages: string[] = [];
    const call = client.callTool(
      { name: 'stream_knowledge_source', arguments: { agentId: platform.agentId, id: source.id } },
      { onprogress: (update) => messages.push(String(update.message)) },
    );
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    await platform.drain();
    const result = await call;
    const indexed = await platform.getSource(source.id);
    const { result: final, events } = result.structuredContent as { result: any; events: { type: string; data: any }[] };
    expect(final).toEqual(indexed);
    expect(final.status).toBe('indexed');
    expect(events[0]).toEqual({ type: 'status', data: { id: source.id, status: 'pending' } });
    expect(events.at(-1)).toEqual({ type: 'status', data: { id: source.id, status: 'indexed' } });
    expect(messages).toEqual(events.map((event) => `${event.type}: ${JSON.stringify(event.data)}`));
  });
});
