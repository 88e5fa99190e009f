/** A body over a route's limit, over a real socket: the 413 closes the connection cleanly. */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../helpers.ts';
import { listen, type Listening } from '../fixtures/listen.ts';

let platform: Platform;
let listening: Listening;
afterEach(async () => {
  await listening.close();
  platform.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(agent: http.Agent, port: number, token: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: '127.0.0.1', port, method: 'POST', path: '/api/v1/agents', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('body limit', () => {
  it('answers 413 with Connection: close, and the next request on a keep-alive agent succeeds', async () => {
    platform = createPlatform({ maxBodyBytes: 1024 });
    listening = await listen(platform.app);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const oversized = await send(agent, listening.port, platform.orgA.apiKey.secret, JSON.stringify({ name: 'x', description: 'y'.repeat(200_000) }));
      expect(oversized.status).toBe(413);
      expect(oversized.headers.connection).toBe('close');
      expect(JSON.parse(oversized.body).code).toBe('payload_too_large');
      const next = await send(agent, listening.port, platform.orgA.apiKey.secret, JSON.stringify({ name: 'After' }));
      expect(next.status).toBe(201);
    } finally {
      agent.destroy();
    }
  });
});
