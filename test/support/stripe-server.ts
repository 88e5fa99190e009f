/**
 * A local server speaking Stripe's /v1/payment_intents: form-encoded requests, JSON PaymentIntent
 * objects, and Stripe's Idempotency-Key rule (a key seen before gets the same PaymentIntent back).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  form: Record<string, string>;
}

export interface StripeServer {
  url: string;
  requests: RecordedRequest[];
  /** PaymentIntents created, by id (a replayed Idempotency-Key creates none). */
  intents: Map<string, Record<string, unknown>>;
  /** While true, creating a PaymentIntent answers 503 (and tells the client not to retry on its own). */
  down: boolean;
  /** While true, a PaymentIntent is created but its response is held back (the caller waits). */
  holding: boolean;
  close(): Promise<void>;
}

export async function startStripeServer(): Promise<StripeServer> {
  const requests: RecordedRequest[] = [];
  const intents = new Map<string, Record<string, unknown>>();
  const byIdempotencyKey = new Map<string, Record<string, unknown>>();
  let count = 0;
  const server = http.createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(raw));
      const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
      requests.push({ method: request.method!, path: request.url!, authorization: request.headers.authorization, idempotencyKey, form });
      if (request.method !== 'POST' || request.url !== '/v1/payment_intents') {
        response.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } }));
        return;
      }
      if (stripe.down) {
        response.writeHead(503, { 'Content-Type': 'application/json', 'Stripe-Should-Retry': 'false' }).end(JSON.stringify({ error: { type: 'api_error', message: 'Service unavailable' } }));
        return;
      }
      const replayed = idempotencyKey ? byIdempotencyKey.get(idempotencyKey) : undefined;
      let intent = replayed;
      if (!intent) {
        const id = `pi_test_${++count}`;
        const metadata = Object.fromEntries(Object.entries(form).filter(([key]) => key.startsWith('metadata[')).map(([key, value]) => [key.slice(9, -1), value]));
        intent = { id, object: 'payment_intent', amount: Number(form.amount), currency: form.currency, status: 'requires_payment_method', client_secret: `${id}_secret_abc`, livemode: false, metadata, created: 1_700_000_000 };
        intents.set(id, intent);
        if (idempotencyKey) byIdempotencyKey.set(idempotencyKey, intent);
      }
      if (stripe.holding) return;
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Request-Id': `req_${requests.length}` };
      if (replayed) headers['Idempotent-Replayed'] = 'true';
      response.writeHead(200, headers).end(JSON.stringify(intent));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stripe: StripeServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    intents,
    down: false,
    holding: false,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return stripe;
}
