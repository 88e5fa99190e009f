/** An operator's webhook endpoint on a real port: records each request and answers as told. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
  /** The body as sent (what a webhook signature covers). */
  raw: string;
}

export interface Reply {
  json?: unknown;
  text?: string;
  status?: number;
  delayMs?: number;
}

export interface WebhookServer {
  url: string;
  received: ReceivedRequest[];
  /** What the next requests get: a JSON body (or raw text), a status, a delay; or a function of the request. */
  answer(reply: Reply | ((request: ReceivedRequest) => Reply)): void;
  close(): Promise<void>;
}

export async function startWebhookServer(): Promise<WebhookServer> {
  const received: ReceivedRequest[] = [];
  let answer: Reply | ((request: ReceivedRequest) => Reply) = { json: { ok: true } };
  const server = http.createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: raw ? JSON.parse(raw) : null, raw };
      received.push(entry);
      const reply = typeof answer === 'function' ? answer(entry) : answer;
      const send = () => {
        if (response.destroyed) return;
        const body = reply.text ?? JSON.stringify(reply.json ?? {});
        response.writeHead(reply.status ?? 200, { 'Content-Type': reply.text ? 'text/plain' : 'application/json' }).end(body);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer: (next) => (answer = next),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
