/**
 * Operator logging: the level setting, and unexpected failures logged once with their stack on the
 * server — whichever face met them — while callers only ever get the problem document.
 */
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig } from '../src/config.ts';
import { createLogger, reportUnexpected } from '../src/logging.ts';
import { FlowyteError } from '../src/errors.ts';
import { defineTool, idField } from '../src/tools/define.ts';
import { TOOLS } from '../src/tools/index.ts';
import { OAUTH_CALLBACK_PATH } from '../src/runtime/integrations/connections.ts';
import { JobWorker } from '../src/runtime/jobs.ts';
import { body, connectMcp, createPlatform, problemOf } from './helpers.ts';
import { closeAfterEach } from './fixtures/cleanup.ts';
import { parseSse } from './fixtures/sse.ts';
import { listen } from './fixtures/listen.ts';
import { accessLines, captureLogs, memoryLogger, unexpected, type LogLine } from './fixtures/logs.ts';

const opened = closeAfterEach();

/** What a bug says about itself: for the operator's eyes only. */
const SECRET = 'the ledger index is corrupt';

// Tools that fail the way a bug does: a plain Error, not a FlowyteError.
const brokenTool = defineTool({
  name: 'test_broken',
  title: 'Broken',
  description: 'Fails with a plain Error.',
  http: { method: 'GET', path: '/test/broken/{id}' },
  scope: 'agents:read',
  toolset: 'meta',
  flags: { readOnly: true },
  input: z.object({ id: idField('Any id.') }),
  output: z.object({}),
  execute: async () => {
    throw new Error(SECRET);
  },
});
const brokenStream = defineTool({
  name: 'test_broken_stream',
  title: 'Broken stream',
  description: 'Streams one event, then fails with a plain Error.',
  http: { method: 'POST', path: '/test/broken-stream' },
  scope: 'agents:read',
  toolset: 'meta',
  flags: { streaming: true },
  input: z.object({}),
  output: z.object({}),
  execute: async (_input, context) => {
    context.emit({ type: 'tick', data: { n: 1 } });
    throw new Error(SECRET);
  },
});
const TEST_TOOLS = [...TOOLS, brokenTool, brokenStream];

function expectOneReport(lines: LogLine[], fields: Record<string, unknown>): LogLine {
  const reports = unexpected(lines);
  expect(reports).toHaveLength(1);
  const [report] = reports;
  expect(report).toMatchObject({ level: 'error', ...fields });
  expect(report.err).toMatchObject({ type: 'Error', message: SECRET });
  expect(report.err.stack).toContain(SECRET);
  expect(report.err.stack).toMatch(/\n\s+at /);
  return report;
}

function expectNoLeak(text: string): void {
  expect(text).not.toContain(SECRET);
  expect(text).not.toMatch(/\n\s+at |\.ts:\d+/);
}

describe('FLOWYTE_LOG_LEVEL', () => {
  it('defaults to info, and refuses an unknown level naming the variable', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ FLOWYTE_LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
    expect(() => loadConfig({ FLOWYTE_LOG_LEVEL: 'loud' })).toThrow(/FLOWYTE_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "loud"/);
  });

  it('writes info lines at info; only errors at error; nothing at silent', () => {
    const written = (level: string) => {
      const lines: string[] = [];
      const logger = createLogger(loadConfig({ FLOWYTE_LOG_LEVEL: level }).logLevel, { write: (line: string) => void lines.push(line) });
      logger.info('request', { status: 200 });
      logger.error('unexpected error', { err: new Error('boom') });
      return lines.map((line) => JSON.parse(line));
    };
    const info = written('info');
    expect(info.map((line) => [line.level, line.msg])).toEqual([['info', 'request'], ['error', 'unexpected error']]);
    expect(info[0]).toMatchObject({ status: 200, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(written('error').map((line) => line.level)).toEqual(['error']);
    expect(written('silent')).toEqual([]);
  });
});

describe('an unexpected failure in a tool', () => {
  it('over REST: a 500 problem without the message or stack, and one error line with both and the request id', async () => {
    const platform = opened(createPlatform({}, TEST_TOOLS));
    const lines = captureLogs(platform.services);
    const response = await platform.request('GET', '/test/broken/x1', { headers: { 'X-Request-Id': 'req-broken-1' } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'internal_error', detail: 'An unexpected error occurred; it has been logged.' });
    expectNoLeak(text);
    expectOneReport(lines, { requestId: 'req-broken-1', tool: 'test_broken', actor: 'api_key', orgId: platform.orgA.org.id });
    // The access line says 500 too, at error, without the stack.
    expect(accessLines(lines)).toEqual([expect.objectContaining({ level: 'error', requestId: 'req-broken-1', status: 500, route: '/api/v1/test/broken/:id' })]);
    expect(accessLines(lines)[0].err).toBeUndefined();
  });

  it('over REST as a stream: an error frame without the message, and one error line', async () => {
    const platform = opened(createPlatform({}, TEST_TOOLS));
    const lines = captureLogs(platform.services);
    const response = await platform.request('POST', '/test/broken-stream', { body: {}, headers: { 'X-Request-Id': 'req-stream-1' } });
    const text = await response.text();
    const frames = parseSse(text);
    expect(frames.map((frame) => frame.event)).toEqual(['tick', 'error']);
    expect(frames[1].data).toMatchObject({ code: 'internal_error' });
    expectNoLeak(text);
    expectOneReport(lines, { requestId: 'req-stream-1', tool: 'test_broken_stream' });
  });

  it('over MCP: an isError result without the message or stack, and one error line', async () => {
    const platform = opened(createPlatform({}, TEST_TOOLS));
    const lines = captureLogs(platform.services);
    const client = opened(await connectMcp(platform, { tools: TEST_TOOLS }));
    const result = await client.callTool({ name: 'test_broken', arguments: { id: 'x1' } });
    expect(result.isError).toBe(true);
    expect(problemOf(result)).toMatchObject({ code: 'internal_error', status: 500 });
    expectNoLeak(JSON.stringify(result));
    expectOneReport(lines, { tool: 'test_broken', actor: 'api_key', orgId: platform.orgA.org.id, requestId: expect.any(String) });
  });

  it('over MCP on /mcp: the error line carries the HTTP request id of its access line', async () => {
    const platform = opened(createPlatform({}, TEST_TOOLS));
    const lines = captureLogs(platform.services);
    const server = opened(await listen(platform.app));
    const transport = new StreamableHTTPClientTransport(new URL(`${server.origin}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${platform.orgA.apiKey.secret}` } },
    });
    const client = opened(new Client({ name: 'logging-test', version: '1.0.0' }));
    await client.connect(transport);
    const result = await client.callTool({ name: 'test_broken', arguments: { id: 'x1' } });
    expect(result.isError).toBe(true);
    const report = expectOneReport(lines, { tool: 'test_broken' });
    const access = accessLines(lines).filter((line) => line.requestId === report.requestId);
    expect(access).toEqual([expect.objectContaining({ method: 'POST', route: '/mcp', path: '/mcp', status: 200, actor: 'api_key', orgId: platform.orgA.org.id })]);
  });

  it('in the copilot: the failed step is reported to the caller as a problem, and logged once', async () => {
    const platform = opened(createPlatform());
    const lines = captureLogs(platform.services);
    // A store failing underneath a real tool: the copilot only calls the registry's own tools.
    vi.spyOn(platform.services.analytics, 'tally').mockImplementation(() => {
      throw new Error(SECRET);
    });
    const response = await platform.request('POST', '/assist', { body: { message: 'How many calls did my agents miss this week?' }, headers: { 'X-Request-Id': 'req-assist-1' } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expectNoLeak(text);
    const { data } = JSON.parse(text);
    expect(data.toolCalls).toEqual([expect.objectContaining({ tool: 'get_analytics_overview', status: 'failed', problem: expect.objectContaining({ code: 'internal_error' }) })]);
    expectOneReport(lines, { requestId: 'req-assist-1', tool: 'get_analytics_overview', actor: 'api_key' });
  });

  it('is not logged when it is an answer: a FlowyteError other than internal_error', async () => {
    const platform = opened(createPlatform());
    const lines = captureLogs(platform.services);
    expect((await platform.request('GET', '/agents/agt_missing')).status).toBe(404);
    expect(unexpected(lines)).toEqual([]);
  });
});

describe('an unexpected failure outside a tool', () => {
  it('in a middleware: reported once by the app, with the request id', async () => {
    const platform = opened(createPlatform());
    const lines = captureLogs(platform.services);
    vi.spyOn(platform.services.credentials, 'findApiKey').mockImplementation(() => {
      throw new Error(SECRET);
    });
    const response = await platform.request('GET', '/agents', { headers: { 'X-Request-Id': 'req-auth-1' } });
    expect(response.status).toBe(500);
    expectNoLeak(await response.text());
    expectOneReport(lines, { requestId: 'req-auth-1', method: 'GET', path: '/api/v1/agents', route: '/api/v1/agents' });
  });

  it("in MCP's confirmation gate (before invokeTool): an isError result, and one error line", async () => {
    const platform = opened(createPlatform());
    const lines = captureLogs(platform.services);
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Gated' } }))).data;
    vi.spyOn(platform.services.confirmations, 'create').mockImplementation(() => {
      throw new Error(SECRET);
    });
    const client = opened(await connectMcp(platform));
    const result = await client.callTool({ name: 'delete_agent', arguments: { id: agent.id } });
    expect(result.isError).toBe(true);
    expectNoLeak(JSON.stringify(result));
    expectOneReport(lines, { tool: 'delete_agent', actor: 'api_key' });
  });

  it('in the OAuth callback: the page shows the generic problem, the log the stack', async () => {
    const platform = opened(createPlatform());
    const lines = captureLogs(platform.services);
    vi.spyOn(platform.services.integrations, 'consumeOAuthState').mockImplementation(() => {
      throw new Error(SECRET);
    });
    const response = await platform.app.request(`${OAUTH_CALLBACK_PATH}?state=st_1&code=c_1`, { headers: { 'X-Request-Id': 'req-oauth-1' } });
    expect(response.status).toBe(500);
    const page = await response.text();
    expect(page).toContain('Not connected');
    expectNoLeak(page);
    expectOneReport(lines, { requestId: 'req-oauth-1', path: OAUTH_CALLBACK_PATH });
    expect(accessLines(lines)).toEqual([expect.objectContaining({ route: OAUTH_CALLBACK_PATH, status: 500, actor: 'anonymous' })]);
  });

});

describe('reportUnexpected', () => {
  it('logs an internal_error with a cause, with the cause; not other FlowyteErrors', () => {
    const { logger, lines } = memoryLogger();
    reportUnexpected(logger, new FlowyteError('internal_error', 'output did not match', { cause: new Error(SECRET) }), { tool: 't' });
    reportUnexpected(logger, new FlowyteError('internal_error', 'no cause'), { tool: 't' });
    reportUnexpected(logger, new FlowyteError('not_found', 'agent agt_1 was not found'), { tool: 't' });
    const reports = unexpected(lines);
    expect(reports).toHaveLength(1);
    expect(reports[0].err.message).toContain(SECRET);
    expect(reports[0].err.stack).toContain(SECRET);
  });

  it('logs a failure once, however many catches it passes; and not at all when its caller cancelled', () => {
    const { logger, lines } = memoryLogger();
    const failure = new Error(SECRET);
    reportUnexpected(logger, failure, { where: 'invokeTool' });
    reportUnexpected(logger, failure, { where: 'app.onError' });
    reportUnexpected(logger, new Error('cancelled on the way out'), { where: 'invokeTool' }, true);
    expect(unexpected(lines).map((line) => line.where)).toEqual(['invokeTool']);
  });
});

describe('the access line', () => {
  it('is written for a 200, a 404 and a 401, with route, status, latency, actor and org', async () => {
    const platform = opened(createPlatform());
    const lines = captureLogs(platform.services);
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Logged' } }))).data;
    lines.length = 0;
    await platform.request('GET', `/agents/${agent.id}`, { headers: { 'X-Request-Id': 'req-ok' } });
    await platform.request('GET', '/nowhere', { headers: { 'X-Request-Id': 'req-missing' } });
    await platform.request('GET', '/agents', { token: 'flowyte_sk_wrong', headers: { 'X-Request-Id': 'req-denied' } });
    await platform.app.request('/healthz', { headers: { 'X-Request-Id': 'req-health' } });
    const byId = Object.fromEntries(accessLines(lines).map((line) => [line.requestId, line]));
    expect(Object.keys(byId)).toEqual(['req-ok', 'req-missing', 'req-denied', 'req-health']);
    expect(byId['req-ok']).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/api/v1/agents/:id',
      path: `/api/v1/agents/${agent.id}`,
      status: 200,
      durationMs: expect.any(Number),
      actor: 'api_key',
      orgId: platform.orgA.org.id,
    });
    expect(byId['req-missing']).toMatchObject({ level: 'info', route: null, path: '/api/v1/nowhere', status: 404, actor: 'api_key' });
    expect(byId['req-denied']).toMatchObject({ level: 'info', route: '/api/v1/agents', status: 401, actor: 'anonymous' });
    expect(byId['req-denied'].orgId).toBeUndefined();
    expect(byId['req-health']).toMatchObject({ route: '/healthz', status: 200, actor: 'anonymous' });
    expect(unexpected(lines)).toEqual([]);
  });

  it('shares its timing with the audit entry of the same request', async () => {
    const platform = opened(createPlatform());
    const lines = captureLogs(platform.services);
    await platform.request('GET', '/agents', { headers: { 'X-Request-Id': 'req-audited' } });
    platform.services.audit.flush();
    const [line] = accessLines(lines);
    const entries = (await body(await platform.request('GET', '/audit-logs'))).data as { requestId: string; durationMs: number }[];
    expect(entries.find((entry) => entry.requestId === 'req-audited')?.durationMs).toBe(line.durationMs);
  });
});

describe('a background job that fails', () => {
  it('logs every failed attempt for the operator, and a fault once with its stack', async () => {
    const { logger, lines } = memoryLogger();
    const platform = opened(createPlatform());
    const jobs = platform.services.jobs;
    const failing = new JobWorker(
      jobs,
      [
        { kind: 'test.fault', run: async () => void (null as unknown as { boom(): void }).boom() },
        { kind: 'test.refused', run: async () => { throw new FlowyteError('extraction_failed', 'the file has no text'); } },
      ],
      { leaseMs: 5_000, pollMs: 50, permanentCodes: new Set(['extraction_failed']) },
      logger,
    );
    jobs.enqueue({ kind: 'test.fault', maxAttempts: 1 });
    jobs.enqueue({ kind: 'test.refused', maxAttempts: 3 });
    expect(await failing.drain()).toBe(2);
    const attempts = lines.filter((line) => line.msg === 'job attempt failed');
    expect(attempts.map((line) => [line.kind, line.final])).toEqual([['test.fault', true], ['test.refused', true]]);
    expect(attempts[1].reason).toBe('the file has no text');
    // Only the TypeError is a fault: one stack, naming the job; the refusal is an answer.
    expect(unexpected(lines)).toHaveLength(1);
    expect(unexpected(lines)[0]).toMatchObject({ kind: 'test.fault', err: { type: 'TypeError' } });
    expect(unexpected(lines)[0].err.stack).toContain('TypeError');
  });
});
