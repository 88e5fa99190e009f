/**
 * A local server speaking Shopify's GraphQL Admin API for one shop: POST
 * /admin/api/{version}/graphql.json with X-Shopify-Access-Token, executed by a real GraphQL engine
 * over the slice of the Admin schema the provider reads (shop; orders with Shopify's search syntax
 * for name and email; fulfillments and tracking). A wrong token answers 401 as Shopify does.
 */
import { buildSchema, graphql } from 'graphql';
import { Hono } from 'hono';
import { listen } from '../fixtures/listen.ts';

const SCHEMA = buildSchema(`
  scalar DateTime
  scalar URL
  enum OrderSortKeys { CREATED_AT PROCESSED_AT ID }
  enum OrderDisplayFinancialStatus { PAID PENDING PARTIALLY_PAID REFUNDED PARTIALLY_REFUNDED AUTHORIZED VOIDED EXPIRED }
  enum OrderDisplayFulfillmentStatus { FULFILLED UNFULFILLED PARTIALLY_FULFILLED IN_PROGRESS ON_HOLD OPEN PENDING_FULFILLMENT RESTOCKED SCHEDULED REQUEST_DECLINED }
  enum FulfillmentStatus { SUCCESS CANCELLED ERROR FAILURE OPEN PENDING }
  type Query {
    shop: Shop!
    orders(first: Int, query: String, sortKey: OrderSortKeys, reverse: Boolean): OrderConnection!
  }
  type Shop { name: String! myshopifyDomain: String! email: String! }
  type OrderConnection { nodes: [Order!]! }
  type Order {
    id: ID!
    name: String!
    email: String
    createdAt: DateTime!
    cancelledAt: DateTime
    displayFinancialStatus: OrderDisplayFinancialStatus
    displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
    fulfillments(first: Int): [Fulfillment!]!
  }
  type Fulfillment { status: FulfillmentStatus! trackingInfo(first: Int): [FulfillmentTrackingInfo!]! }
  type FulfillmentTrackingInfo { company: String number: String url: URL }
`);

export interface ShopifyOrder {
  name: string;
  email: string;
  createdAt: string;
  cancelledAt?: string | null;
  displayFinancialStatus: string;
  displayFulfillmentStatus: string;
  fulfillments: { status: string; trackingInfo: { company: string | null; number: string | null; url: string | null }[] }[];
}

export interface ShopifyServer {
  url: string;
  shop: string;
  shopName: string;
  /** The Admin API access token the shop accepts. */
  accessToken: string;
  orders: ShopifyOrder[];
  /** Every GraphQL call: the access token sent, the query's operation name and variables. */
  requests: { token: string | undefined; operationName: string | undefined; variables: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** Shopify's search syntax, the part used here: `field:value` or `field:"value"` terms joined by AND. */
function matches(order: ShopifyOrder, query: string | undefined): boolean {
  const terms = [...(query ?? '').matchAll(/(\w+):(?:"([^"]*)"|(\S+))/g)].map(([, field, quoted, bare]) => [field, (quoted ?? bare).toLowerCase()] as const);
  return terms.every(([field, value]) => {
    if (field === 'name') return order.name.toLowerCase() === value || order.name.toLowerCase() === `#${value}`;
    if (field === 'email') return order.email.toLowerCase() === value;
    return false;
  });
}

export async function startShopifyServer(options: { shop?: string; shopName?: string } = {}): Promise<ShopifyServer> {
  const app = new Hono();
  app.post('/admin/api/:version/graphql.json', async (c) => {
    const token = c.req.header('x-shopify-access-token');
    const body = (await c.req.json()) as { query: string; variables?: Record<string, unknown>; operationName?: string };
    const operationName = body.operationName ?? /(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1];
    server.requests.push({ token, operationName, variables: body.variables ?? {} });
    if (token !== server.accessToken) return c.json({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }, 401);
    const rootValue = {
      shop: { name: server.shopName, myshopifyDomain: server.shop, email: `owner@${server.shop}` },
      orders: ({ first, query, reverse }: { first?: number; query?: string; reverse?: boolean }) => {
        const found = server.orders.filter((order) => matches(order, query)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
        const nodes = (reverse ? found.reverse() : found).slice(0, first ?? 50).map((order, index) => ({
          id: `gid://shopify/Order/${index + 1}`,
          ...order,
          cancelledAt: order.cancelledAt ?? null,
          fulfillments: ({ first: count }: { first?: number }) =>
            order.fulfillments.slice(0, count ?? 50).map((fulfillment) => ({ ...fulfillment, trackingInfo: ({ first: limit }: { first?: number }) => fulfillment.trackingInfo.slice(0, limit ?? 50) })),
        }));
        return { nodes };
      },
    };
    const result = await graphql({ schema: SCHEMA, source: body.query, rootValue, variableValues: body.variables, operationName: body.operationName });
    return c.json(result);
  });
  const listening = await listen(app);
  const server: ShopifyServer = {
    url: listening.origin,
    shop: options.shop ?? 'acme-outfitters.myshopify.com',
    shopName: options.shopName ?? 'Acme Outfitters',
    accessToken: 'shpat_0123456789abcdef0123456789abcdef',
    orders: [],
    requests: [],
    close: () => listening.close(),
  };
  return server;
}
