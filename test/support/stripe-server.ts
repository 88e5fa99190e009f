/** A local server speaking Stripe's /v1/payment_intents: form-encoded requests, JSON PaymentIntent objects. */
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
  /** While true, creating a PaymentIntent answers 503 (and tells the client not to retry on its own). */
  down: boolean;
  close(): Promise<void>;
}

export async function startStripeServer(): Promise<StripeServer> {
  const requests: RecordedRequest[] = [];
  let count = 0;
  const server = http.createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(raw));
      requests.push({ method: request.method!, path: request.url!, authorization: request.headers.authorization, idempotencyKey: request.headers['idempotency-key'] as string | undefined, form });
      if (request.method !== 'POST' || request.url !== '/v1/payment_intents') {
        response.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } }));
        return;
      }
      if (stripe.down) {
        response.writeHead(503, { 'Content-Type': 'application/json', 'Stripe-Should-Retry': 'false' }).end(JSON.stringify({ error: { type: 'api_error', message: 'Service unavailable' } }));
        return;
      }
      const id = `pi_test_${++count}`;
      const metadata = Object.fromEntries(Object.entries(form).filter(([key]) => key.startsWith('metadata[')).map(([key, value]) => [key.slice(9, -1), value]));
      response.writeHead(200, { 'Content-Type': 'application/json', 'Request-Id': `req_${count}` }).end(
        JSON.stringify({ id, object: 'payment_intent', amount: Number(form.amount), currency: form.currency, status: 'requires_payment_method', client_secret: `${id}_secret_abc`, livemode: false, metadata, created: 1_700_000_000 }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stripe: StripeServer = { url: `http://127.0.0.1:${port}`, requests, down: false, close: () => new Promise((resolve) => server.close(() => resolve())) };
  return stripe;
}
