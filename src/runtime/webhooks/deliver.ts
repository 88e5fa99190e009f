/**
 * Webhook delivery: every recorded domain event fans out to the org's enabled endpoints that
 * subscribe to it, as one durable `webhook_delivery` job per endpoint and event. A job POSTs the
 * stored body, signed, and records the attempt. 2xx succeeds; 410 Gone disables the endpoint;
 * 429 retries after its Retry-After; anything else (3xx, 4xx, 5xx, network errors, timeouts)
 * retries on RETRY_SCHEDULE_MS (times the configured scale) and fails for good after the last entry. Delivery is at least
 * once: a worker that dies mid-attempt leaves the job to be picked up when its lease lapses, and
 * every attempt carries the same webhook-id so that receivers can drop duplicates.
 */
import { FlowyteError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { JobHandler } from '../jobs.ts';
import { safeFetch } from '../net/safe-fetch.ts';
import type { EventRecord } from '../../store/events.ts';
import type { WebhookDelivery, WebhookEndpoint } from '../../store/webhooks.ts';
import { signedHeaders } from './sign.ts';

/** Every event type an endpoint can subscribe to, with what its `data` holds. */
export const WEBHOOK_EVENT_TYPES = {
  'agent.published': 'An agent version was published: agentId, versionId, number, note.',
  'conversation.completed': 'A live conversation ended: conversationId, agentId, channel, outcome, reason.',
  'widget.unavailable': 'A widget visitor could not start a chat (the visitor only saw that chat is unavailable): agentId, publishableKeyId, code (e.g. insufficient_balance, no_published_version), detail.',
  'knowledge.source.indexed': 'A knowledge source was (re)indexed: sourceId, agentId, chunkCount.',
  'knowledge.source.failed': 'A knowledge source could not be indexed after its retries: sourceId, agentId, reason.',
  'number.purchased': 'A phone number was bought: numberId, e164, numberType, agentId, monthlyCents, setupCents.',
  'wallet.low_balance': 'A charge took the wallet below its auto-reload threshold (once until it is back above): balanceCents, balanceUsd, thresholdUsd, reloadPaymentId (null when auto-reload is off).',
  'subscription.changed': 'The plan changed or a change was scheduled: planId, previousPlanId, effective (now, or when it starts), reason (renewal_unpaid when a renewal fell back to the default plan).',
  'invoice.issued': 'A billing period closed with an invoice: invoiceId, number, periodStart, periodEnd, totalCents.',
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;

/** Sent only by the test-delivery tool, to every endpoint regardless of its subscriptions. */
export const TEST_EVENT_TYPE = 'webhook.test';

export const WEBHOOK_JOB = 'webhook_delivery';

/** Waits before retries 2…7 after a failed attempt: 5s, 5m, 30m, 2h, 5h, 10h (about 17.5 hours in all). */
export const RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];
/** The first attempt plus one per scheduled retry. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;

const TIMEOUT_MS = 15_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
/** A Retry-After longer than this is clamped, so one answer cannot park a delivery forever. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

type Queueing = Pick<Services, 'webhooks' | 'jobs'>;

/** Queue one delivery of `data` as `type` to one endpoint. */
export function queueDelivery(services: Queueing, endpoint: WebhookEndpoint, type: string, at: string, data: Record<string, unknown>): WebhookDelivery {
  const delivery = services.webhooks.createDelivery(endpoint, type, JSON.stringify({ type, timestamp: at, data }));
  services.jobs.enqueue({ kind: WEBHOOK_JOB, orgId: endpoint.orgId, subjectId: delivery.id, maxAttempts: MAX_ATTEMPTS });
  return delivery;
}

/** Fan one recorded domain event out to its subscribers (an EventStore listener). */
export function queueEventDeliveries(services: Queueing, orgId: string, event: EventRecord): void {
  for (const endpoint of services.webhooks.subscribers(orgId, event.type)) {
    queueDelivery(services, endpoint, event.type, event.createdAt, event.payload);
  }
}

/** A failed attempt that should be retried at `retryAt`. */
class AttemptFailed extends Error {
  constructor(message: string, readonly retryAt: Date) {
    super(message);
  }
}

/** The job handler the background worker runs for `webhook_delivery` jobs. */
export function webhookJobHandler(services: Services): JobHandler {
  return {
    kind: WEBHOOK_JOB,
    run: (job, signal) => attemptDelivery(services, job.subjectId as string, job.attempts, signal),
    retryAt: (_job, error) => (error instanceof AttemptFailed ? error.retryAt : undefined),
    giveUp: (job) => {
      const delivery = services.webhooks.findDelivery(job.subjectId as string);
      if (delivery?.status === 'pending') services.webhooks.settle(delivery.id, { status: 'failed', nextRetryAt: null });
    },
  };
}

/** Make attempt number `attempt` of a delivery; throws AttemptFailed when it should be retried. */
async function attemptDelivery(services: Services, deliveryId: string, attempt: number, signal: AbortSignal): Promise<void> {
  const { webhooks } = services;
  const delivery = webhooks.findDelivery(deliveryId);
  if (!delivery || delivery.status !== 'pending') return; // deleted with its endpoint, or already settled
  const endpoint = webhooks.findEndpoint(delivery.orgId, delivery.endpointId);
  if (!endpoint || endpoint.status !== 'enabled') {
    webhooks.settle(delivery.id, { status: 'failed', nextRetryAt: null });
    return;
  }
  const started = services.now();
  const result = await post(services, endpoint, delivery, started, signal);
  const finished = services.now();
  const record = { statusCode: result.statusCode, error: result.error, durationMs: result.durationMs, attemptedAt: started.toISOString() };
  const code = result.statusCode ?? 0;
  if (code >= 200 && code < 300) {
    webhooks.recordAttempt(delivery.id, record, { status: 'succeeded', nextRetryAt: null });
    return;
  }
  if (code === 410) {
    webhooks.recordAttempt(delivery.id, record, { status: 'failed', nextRetryAt: null });
    webhooks.disableEndpoint(endpoint.id, 'The receiver answered 410 Gone');
    return;
  }
  if (attempt >= MAX_ATTEMPTS) {
    webhooks.recordAttempt(delivery.id, record, { status: 'failed', nextRetryAt: null });
    throw new Error(result.error ?? `HTTP ${code}`);
  }
  const retryAfter = code === 429 ? retryAfterMs(result.retryAfter, finished) : undefined;
  const retryAt = new Date(finished.getTime() + (retryAfter ?? Math.round(RETRY_SCHEDULE_MS[attempt - 1] * services.config.webhookRetryScale)));
  webhooks.recordAttempt(delivery.id, record, { status: 'pending', nextRetryAt: retryAt });
  throw new AttemptFailed(result.error ?? `HTTP ${code}`, retryAt);
}

interface PostResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  retryAfter?: string;
}

async function post(services: Services, endpoint: WebhookEndpoint, delivery: WebhookDelivery, at: Date, signal: AbortSignal): Promise<PostResult> {
  const clock = performance.now();
  const elapsed = () => Math.round(performance.now() - clock);
  try {
    const response = await safeFetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Flowyte-Webhooks/1', ...signedHeaders(endpoint.secret, delivery.id, at, delivery.body) },
      body: delivery.body,
      allowPrivateNetwork: services.config.allowPrivateNetwork,
      maxBytes: MAX_RESPONSE_BYTES,
      timeoutMs: TIMEOUT_MS,
      // A redirect is a failed delivery: the receiver must give its final URL.
      maxRedirects: 0,
      signal,
    });
    const ok = response.status >= 200 && response.status < 300;
    return { statusCode: response.status, error: ok ? null : `HTTP ${response.status}`, durationMs: elapsed(), retryAfter: response.headers['retry-after'] };
  } catch (error) {
    if (!(error instanceof FlowyteError)) throw error;
    return { statusCode: null, error: error.message, durationMs: elapsed() };
  }
}

/** Retry-After as delay-seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now.getTime();
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
