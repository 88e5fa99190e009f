/**
 * Shopify: a store connects with its domain and an Admin API access token (a custom app's), and
 * the agent looks orders up by number or email through the GraphQL Admin API: payment status,
 * fulfillment and tracking, read back in plain words.
 */
import { z } from 'zod';
import type { Config } from '../../../config.ts';
import { FlowyteError } from '../../../errors.ts';
import type { ActionDefinition, ConnectionContext, IntegrationProvider, ProviderResult } from '../provider.ts';
import { fetchProvider, type ProviderResponse } from '../provider-fetch.ts';

/** The Admin API version this release speaks. */
export const SHOPIFY_API_VERSION = '2025-07';

/** A shop's permanent domain: your-store.myshopify.com (a pasted https:// and trailing slash are dropped). */
export const shopDomain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value) => value.replace(/^https?:\/\//, '').replace(/\/+$/, ''))
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/, 'must be the shop\'s myshopify.com domain, e.g. your-store.myshopify.com'));

const credentials = z.object({
  shop: shopDomain,
  access_token: z.string().trim().min(10).max(500),
});

const SHOP_QUERY = 'query ShopName { shop { name myshopifyDomain } }';
const ORDER_QUERY = `query OrderLookup($query: String!) {
  orders(first: 1, query: $query, sortKey: CREATED_AT, reverse: true) {
    nodes {
      name
      createdAt
      cancelledAt
      displayFinancialStatus
      displayFulfillmentStatus
      fulfillments(first: 5) { status trackingInfo(first: 3) { company number url } }
    }
  }
}`;

const ACTIONS: ActionDefinition[] = [
  {
    slug: 'lookup_order',
    name: 'Look up an order',
    description: "Look up the status of the caller's order, its shipping and tracking, by order number or the email it was placed with.",
    parametersSchema: {
      type: 'object',
      properties: {
        order_number: { type: 'string', description: 'The order number, e.g. 1001 or #1001' },
        email: { type: 'string', description: 'The email address the order was placed with' },
      },
    },
    important: true,
    readOnly: true,
    configNeeded: [],
  },
];

const endpoint = (config: Pick<Config, 'shopifyApiBaseUrl'>, shop: string) =>
  `${(config.shopifyApiBaseUrl ?? `https://${shop}`).replace(/\/$/, '')}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`;

/** One GraphQL Admin API call; `data` or a 502 (a 401 is left to the caller to word). */
async function adminQuery(config: Config, shop: string, token: string, query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<ProviderResponse> {
  return fetchProvider(config, 'Shopify', endpoint(config, shop), { json: { query, variables }, headers: { 'x-shopify-access-token': token }, signal });
}

function dataOf<T>(response: ProviderResponse): T {
  const body = response.body as { data?: T; errors?: unknown } | string | null;
  if (response.status === 200 && body && typeof body === 'object' && body.data && !body.errors) return body.data;
  const errors = body && typeof body === 'object' ? body.errors : body;
  const detail = Array.isArray(errors) ? errors.map((error) => (error as { message?: string }).message).join('; ') : String(errors ?? '');
  throw new FlowyteError('integration_error', `Shopify answered ${response.status}${detail ? `: ${detail}` : ''}`);
}

const WORDS: Record<string, string> = {
  FULFILLED: 'has shipped',
  PARTIALLY_FULFILLED: 'has partly shipped',
  IN_PROGRESS: 'is being prepared',
  OPEN: 'is being prepared',
  PENDING_FULFILLMENT: 'is being prepared',
  SCHEDULED: 'is scheduled to ship',
  ON_HOLD: 'is on hold',
  UNFULFILLED: 'has not shipped yet',
  RESTOCKED: 'was returned to stock',
};

interface OrderNode {
  name: string;
  createdAt: string;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  fulfillments: { status: string; trackingInfo: { company: string | null; number: string | null; url: string | null }[] }[];
}

/** Shopify's search syntax for the order: by name (#1001), by email, or both (both must match). */
function orderQuery(input: Record<string, unknown>): string | undefined {
  const terms: string[] = [];
  const number = typeof input.order_number === 'string' ? input.order_number.trim().replace(/^#/, '') : '';
  const email = typeof input.email === 'string' ? input.email.trim() : '';
  // Quoted values keep the caller's words from becoming search operators.
  if (number) terms.push(`name:"#${number.replace(/["\\]/g, '')}"`);
  if (email) terms.push(`email:"${email.replace(/["\\]/g, '')}"`);
  return terms.length ? terms.join(' AND ') : undefined;
}

async function lookupOrder(context: ConnectionContext, input: Record<string, unknown>): Promise<ProviderResult> {
  const query = orderQuery(input);
  if (!query) return { ok: true, output: { found: false, message: "What's your order number, or the email address you ordered with?" } };
  const { shop, access_token: token } = context.credentials as { shop: string; access_token: string };
  const response = await adminQuery(context.services.config, shop, token, ORDER_QUERY, { query }, context.signal);
  if (response.status === 401) throw new FlowyteError('integration_error', 'Shopify no longer accepts the stored access token: connect the store again');
  const order = dataOf<{ orders: { nodes: OrderNode[] } }>(response).orders.nodes[0];
  if (!order) return { ok: true, output: { found: false, message: "I couldn't find an order with those details. Could you check the order number or email?" } };
  const tracking = order.fulfillments.flatMap((fulfillment) => fulfillment.trackingInfo).filter((info) => info.number);
  const status = order.cancelledAt ? 'was cancelled' : (WORDS[order.displayFulfillmentStatus] ?? `is ${order.displayFulfillmentStatus.toLowerCase().replace(/_/g, ' ')}`);
  const first = tracking[0];
  const trackingWords = first ? ` It's with ${first.company ?? 'the carrier'}, tracking number ${first.number}.` : '';
  return {
    ok: true,
    output: {
      found: true,
      orderNumber: order.name,
      placedAt: order.createdAt,
      cancelled: order.cancelledAt !== null,
      paymentStatus: order.displayFinancialStatus,
      fulfillmentStatus: order.displayFulfillmentStatus,
      tracking,
      message: `Order ${order.name} ${status}.${trackingWords}`,
    },
  };
}

export const shopify: IntegrationProvider = {
  kind: 'shopify',
  name: 'Shopify',
  category: 'commerce',
  description: 'Answer "where is my order?" with the live status, shipping and tracking of orders in a Shopify store.',
  logo: 'shopify',
  auth: 'api_key',
  credentials,
  async verify(context) {
    const { shop, access_token: token } = context.credentials as z.output<typeof credentials>;
    const response = await adminQuery(context.services.config, shop, token, SHOP_QUERY, {}, context.signal);
    if (response.status === 401 || response.status === 403) {
      throw new FlowyteError('validation_error', `${shop} did not accept this access token`, { errors: [{ field: 'credentials.access_token', message: 'was not accepted by the shop' }] });
    }
    if (response.status === 404) {
      throw new FlowyteError('validation_error', `${shop} is not a Shopify store`, { errors: [{ field: 'credentials.shop', message: 'is not a Shopify store' }] });
    }
    const { shop: found } = dataOf<{ shop: { name: string } }>(response);
    return { accountLabel: found.name };
  },
  actions: ACTIONS,
  async runAction(context, slug, input) {
    if (slug !== 'lookup_order') throw new FlowyteError('integration_error', `Shopify has no action ${slug}`);
    return lookupOrder(context, input);
  },
};
