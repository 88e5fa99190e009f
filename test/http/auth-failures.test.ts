/**
 * Failed authentication is limited per source address: past the allowance an address gets 429
 * (rate_limited, Retry-After) on REST, /mcp and /chat/completions (in OpenAI's error shape there),
 * while other addresses, and requests that authenticate, are not counted against it.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createPlatform } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { listen } from '../fixtures/listen.ts';
import { RateLimiter } from '../../src/http/rate-limit.ts';

const closing = closeAfterEach();

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: any;
}

/** A request over the real socket, sent from `from` (any 127/8 address is this host's loopback). */
function send(port: number, path: string, options: { token?: string; from?: string; method?: string; body?: unknown }): Promise<Answer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { Accept: 'application/json, text/event-stream' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (payload) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, localAddress: options.from ?? '127.0.0.1' }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, json: text ? JSON.parse(text) : null }));
    });
    request.on('error', reject);
    request.end(payload);
  });
}

async function served(overrides = {}) {
  const platform = closing(createPlatform({ authFailuresPerMinute: 3, ...overrides }));
  const server = closing(await listen(platform.app));
  return { platform, port: server.port, key: platform.orgA.apiKey.secret };
}

const WRONG = 'flowyte_sk_wrongwrongwrongwrongwrong';
const MCP_INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } } };

describe('failed authentication per source address', () => {
  it('answers 429 with Retry-After once an address has sent too many refused credentials, on REST, /mcp and /chat/completions', async () => {
    const { port, key } = await served();
    for (let index = 0; index < 5; index++) expect((await send(port, '/api/v1/agents', { token: key })).status).toBe(200);
    for (let index = 0; index < 3; index++) expect((await send(port, '/api/v1/agents', { token: WRONG })).status).toBe(401);

    const limited = await send(port, '/api/v1/agents', { token: WRONG });
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json).toMatchObject({ status: 429, code: 'rate_limited', detail: expect.stringContaining('failed authentication attempts from this address') });
    // For the rest of the window the address is refused before its credential is looked at.
    expect((await send(port, '/api/v1/agents', { token: key })).status).toBe(429);

    const mcp = await send(port, '/mcp', { token: WRONG, method: 'POST', body: MCP_INITIALIZE });
    expect(mcp.status).toBe(429);
    expect(mcp.json.code).toBe('rate_limited');
    const completions = await send(port, '/api/v1/chat/completions', { token: WRONG, method: 'POST', body: { model: 'agt_x', messages: [{ role: 'user', content: 'hi' }] } });
    expect(completions.status).toBe(429);
    expect(completions.headers['retry-after']).toBeDefined();
    expect(completions.json.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });

    // Another address is not affected.
    expect((await send(port, '/api/v1/agents', { token: key, from: '127.0.0.2' })).status).toBe(200);
    expect((await send(port, '/api/v1/agents', { token: WRONG, from: '127.0.0.2' })).status).toBe(401);
  });

  it('counts refused credentials on /mcp and /chat/completions too, but not requests that send none', async () => {
    const { port } = await served({ authFailuresPerMinute: 2 });
    for (let index = 0; index < 4; index++) expect((await send(port, '/api/v1/agents', {})).status).toBe(401);
    expect((await send(port, '/mcp', { token: WRONG, method: 'POST', body: MCP_INITIALIZE })).status).toBe(401);
    const completions = await send(port, '/api/v1/chat/completions', { token: WRONG, method: 'POST', body: { model: 'agt_x', messages: [{ role: 'user', content: 'hi' }] } });
    expect(completions.status).toBe(401);
    expect(completions.json.error.type).toBe('authentication_error');
    expect((await send(port, '/api/v1/agents', {})).status).toBe(429);
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const platform = closing(createPlatform({ authFailuresPerMinute: 1, trustedProxies: ['10.0.0.0/8'] }));
    const from = (remoteAddress: string, forwardedFor?: string, token = WRONG) =>
      platform.app.request(
        '/api/v1/agents',
        { headers: { Authorization: `Bearer ${token}`, ...(forwardedFor && { 'X-Forwarded-For': forwardedFor }) } },
        { incoming: { socket: { remoteAddress } } },
      );
    expect((await from('10.0.0.5', '198.51.100.7, 10.0.0.9')).status).toBe(401);
    expect((await from('10.0.0.6', '198.51.100.7')).status).toBe(429);
    // The proxy itself, and the proxy's other clients, are not the blocked client.
    expect((await from('10.0.0.5', '198.51.100.8', platform.orgA.apiKey.secret)).status).toBe(200);
    // An untrusted peer cannot pass itself off as another client, nor get another client blocked.
    expect((await from('203.0.113.1', '198.51.100.9')).status).toBe(401);
    expect((await from('203.0.113.2', '198.51.100.9')).status).toBe(401);
    expect((await from('203.0.113.1', '198.51.100.10')).status).toBe(429);
    // In-process requests (no socket) are not limited by address.
    for (let index = 0; index < 3; index++) expect((await platform.request('GET', '/agents', { token: WRONG })).status).toBe(401);
  });

  it('opens a new window after a minute', () => {
    let at = 0;
    const limiter = new RateLimiter(1, { now: () => at });
    limiter.record('address:x');
    expect(() => limiter.check('address:x')).toThrow(/rate limit/);
    at += 60_000;
    expect(limiter.check('address:x').remaining).toBe(1);
  });
});
