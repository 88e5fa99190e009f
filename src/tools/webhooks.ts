/** Webhook endpoints: where the org's domain events are POSTed, signed; their deliveries; test sends. */
import { z } from 'zod';
import { defineTool, deletedOutput, idField, pageInput, pageOf, paginate } from './define.ts';
import { FlowyteError, notFound } from '../errors.ts';
import { assertAllowedDestination } from '../runtime/net/destination.ts';
import { newSigningSecret } from '../runtime/webhooks/sign.ts';
import { TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES, queueDelivery, type WebhookEventType } from '../runtime/webhooks/deliver.ts';
import type { WebhookDelivery, WebhookEndpoint } from '../store/webhooks.ts';
import type { ToolContext } from './types.ts';

const endpointId = idField('The webhook endpoint id (whep_…).');
const EVENT_TYPES = Object.keys(WEBHOOK_EVENT_TYPES) as [WebhookEventType, ...WebhookEventType[]];
const eventCatalog = Object.entries(WEBHOOK_EVENT_TYPES).map(([type, data]) => `${type} (${data})`).join('; ');

const fields = {
  url: z.string().max(2000).describe('Where deliveries are POSTed; must be https.'),
  description: z.string().max(500).nullable().describe('What the endpoint is for.'),
  events: z
    .array(z.enum(EVENT_TYPES).describe('An event type.'))
    .min(1)
    .max(EVENT_TYPES.length)
    .describe(`Event types to receive: ${eventCatalog}.`),
};

export const endpointSchema = z.object({
  id: z.string().describe('Endpoint id (whep_…).'),
  url: z.string().describe('Where deliveries are POSTed.'),
  description: z.string().nullable().describe('What the endpoint is for.'),
  events: z.array(z.string()).describe('Subscribed event types.'),
  status: z.enum(['enabled', 'disabled']).describe('Disabled endpoints get no deliveries.'),
  disabledReason: z.string().nullable().describe('Why the platform disabled it (e.g. the receiver answered 410); null otherwise.'),
  createdAt: z.string().describe('When it was created.'),
  updatedAt: z.string().describe('When it last changed.'),
});

const createdSchema = endpointSchema.extend({
  secret: z.string().describe('The whsec_… signing secret (Standard Webhooks). Shown only here: store it now.'),
});

export const deliverySchema = z.object({
  id: z.string().describe('Delivery id; also the webhook-id header of every attempt, for de-duplication.'),
  endpointId: z.string().describe('The endpoint it goes to.'),
  eventType: z.string().describe('The event type.'),
  payload: z.record(z.string(), z.unknown()).describe('The JSON body sent: { type, timestamp, data }.'),
  status: z.enum(['pending', 'succeeded', 'failed']).describe('pending until an attempt succeeds or the retries run out.'),
  attempts: z
    .array(
      z.object({
        number: z.number().int().describe('1 for the first attempt.'),
        statusCode: z.number().int().nullable().describe('The receiver\'s HTTP status; null when no response came (timeout, refused).'),
        error: z.string().nullable().describe('What went wrong; null on success.'),
        durationMs: z.number().int().describe('How long the attempt took.'),
        attemptedAt: z.string().describe('When it was made.'),
      }),
    )
    .describe('Every attempt so far, oldest first.'),
  nextRetryAt: z.string().nullable().describe('When the next attempt is due; null once settled.'),
  createdAt: z.string().describe('When the event was queued for this endpoint.'),
});

function presentEndpoint(endpoint: WebhookEndpoint): z.input<typeof endpointSchema> {
  const { orgId: _org, secret: _secret, ...shown } = endpoint;
  return shown;
}

function presentDelivery(delivery: WebhookDelivery): z.input<typeof deliverySchema> {
  const { orgId: _org, body, updatedAt: _updated, ...shown } = delivery;
  return { ...shown, payload: JSON.parse(body) as Record<string, unknown> };
}

function loadEndpoint(context: ToolContext, id: string): WebhookEndpoint {
  const endpoint = context.services.webhooks.findEndpoint(context.org.id, id);
  if (!endpoint) throw notFound('webhook endpoint', id);
  return endpoint;
}

/** The outbound destination policy (private and metadata hosts, after DNS), and https unless the local-development switch is on. */
async function checkUrl(context: ToolContext, url: string): Promise<string> {
  const { allowPrivateNetwork } = context.services.config;
  const parsed = await assertAllowedDestination(url, { allowPrivateNetwork });
  if (!allowPrivateNetwork && parsed.protocol !== 'https:') throw new FlowyteError('url_not_allowed', 'Webhook URLs must use https');
  return parsed.href;
}

export const listWebhookEndpoints = defineTool({
  name: 'list_webhook_endpoints',
  title: 'List webhook endpoints',
  description: 'Lists the webhook endpoints, newest first, with their subscribed events and status. Signing secrets are never included.',
  http: { method: 'GET', path: '/webhooks' },
  scope: 'webhooks:read',
  toolset: 'webhooks',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ ...pageInput }),
  output: pageOf(endpointSchema),
  execute: async (input, context) =>
    paginate(context, input, (page) => context.services.webhooks.listEndpoints(context.org.id, page), presentEndpoint),
});

export const createWebhookEndpoint = defineTool({
  name: 'create_webhook_endpoint',
  title: 'Create a webhook endpoint',
  description:
    'Registers a URL to receive the chosen events as signed POSTs (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature headers). Returns the signing secret once; it cannot be read again.',
  http: { method: 'POST', path: '/webhooks', successStatus: 201 },
  scope: 'webhooks:write',
  toolset: 'webhooks',
  input: z.object({ url: fields.url, events: fields.events, description: fields.description.default(null) }),
  output: createdSchema,
  execute: async (input, context) => {
    const url = await checkUrl(context, input.url);
    const secret = newSigningSecret();
    const endpoint = context.services.webhooks.createEndpoint(context.org.id, { url, description: input.description, events: [...new Set(input.events)], secret });
    return { ...presentEndpoint(endpoint), secret };
  },
});

export const getWebhookEndpoint = defineTool({
  name: 'get_webhook_endpoint',
  title: 'Get a webhook endpoint',
  description: 'Returns one webhook endpoint: URL, subscribed events and status. The signing secret is not included.',
  http: { method: 'GET', path: '/webhooks/{id}' },
  scope: 'webhooks:read',
  toolset: 'webhooks',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ id: endpointId }),
  output: endpointSchema,
  execute: async (input, context) => presentEndpoint(loadEndpoint(context, input.id)),
});

export const updateWebhookEndpoint = defineTool({
  name: 'update_webhook_endpoint',
  title: 'Update a webhook endpoint',
  description: 'Changes an endpoint\'s URL, description, subscribed events or status. Set status to disabled to pause deliveries without deleting it; enabled turns it back on.',
  http: { method: 'PATCH', path: '/webhooks/{id}' },
  scope: 'webhooks:write',
  toolset: 'webhooks',
  flags: { idempotent: true },
  input: z.object({
    id: endpointId,
    url: fields.url.optional(),
    description: fields.description.optional(),
    events: fields.events.optional(),
    status: z.enum(['enabled', 'disabled']).optional().describe('enabled or disabled.'),
  }),
  output: endpointSchema,
  execute: async (input, context) => {
    const endpoint = loadEndpoint(context, input.id);
    context.services.webhooks.updateEndpoint(endpoint, {
      url: input.url === undefined ? undefined : await checkUrl(context, input.url),
      description: input.description,
      events: input.events && [...new Set(input.events)],
      status: input.status,
    });
    return presentEndpoint(loadEndpoint(context, endpoint.id));
  },
});

export const deleteWebhookEndpoint = defineTool({
  name: 'delete_webhook_endpoint',
  title: 'Delete a webhook endpoint',
  description: 'Permanently removes an endpoint and its delivery history; queued deliveries to it are dropped.',
  http: { method: 'DELETE', path: '/webhooks/{id}' },
  scope: 'webhooks:write',
  toolset: 'webhooks',
  flags: { destructive: true, idempotent: true },
  input: z.object({ id: endpointId }),
  output: deletedOutput('endpoint'),
  execute: async (input, context) => {
    const endpoint = loadEndpoint(context, input.id);
    context.services.webhooks.deleteEndpoint(endpoint.id);
    return { id: endpoint.id, deleted: true as const };
  },
});

export const listWebhookDeliveries = defineTool({
  name: 'list_webhook_deliveries',
  title: 'List webhook deliveries',
  description: 'Lists an endpoint\'s deliveries, newest first, each with its attempts (status code, error, duration) and next scheduled retry. Use it to debug a receiver.',
  http: { method: 'GET', path: '/webhooks/{id}/deliveries' },
  scope: 'webhooks:read',
  toolset: 'webhooks',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ id: endpointId, ...pageInput }),
  output: pageOf(deliverySchema),
  execute: async (input, context) => {
    const endpoint = loadEndpoint(context, input.id);
    return paginate(context, input, (page) => context.services.webhooks.listDeliveries(endpoint.id, page), presentDelivery);
  },
});

export const sendTestWebhook = defineTool({
  name: 'send_test_webhook',
  title: 'Send a test delivery',
  description: `Queues a ${TEST_EVENT_TYPE} event to the endpoint now, through the same signed, retried delivery as real events, to check that the receiver is reachable and verifies signatures. Returns the delivery; list deliveries to see its attempts.`,
  http: { method: 'POST', path: '/webhooks/{id}/test', successStatus: 202 },
  scope: 'webhooks:write',
  toolset: 'webhooks',
  input: z.object({ id: endpointId }),
  output: deliverySchema,
  execute: async (input, context) => {
    const endpoint = loadEndpoint(context, input.id);
    const at = context.services.now().toISOString();
    return presentDelivery(queueDelivery(context.services, endpoint, TEST_EVENT_TYPE, at, { endpointId: endpoint.id, message: 'This is a test delivery.' }));
  },
});
