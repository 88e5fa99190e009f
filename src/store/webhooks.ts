/** Webhook endpoints and their deliveries (one event to one endpoint, with every attempt). */
import type { Db } from './db.ts';
import { writeTransaction } from './db.ts';
import { newId } from '../ids.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';

export type EndpointStatus = 'enabled' | 'disabled';

export interface WebhookEndpoint {
  id: string;
  orgId: string;
  url: string;
  description: string | null;
  events: string[];
  status: EndpointStatus;
  disabledReason: string | null;
  /** The whsec_… signing secret; tools show it only in the create response. */
  secret: string;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryAttempt {
  number: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: string;
}

export interface WebhookDelivery {
  /** Also the webhook-id header of every attempt. */
  id: string;
  orgId: string;
  endpointId: string;
  eventType: string;
  body: string;
  status: 'pending' | 'succeeded' | 'failed';
  nextRetryAt: string | null;
  attempts: DeliveryAttempt[];
  createdAt: string;
  updatedAt: string;
}

interface EndpointRow {
  id: string;
  orgId: string;
  url: string;
  description: string | null;
  events: string;
  status: EndpointStatus;
  disabledReason: string | null;
  secret: string;
  createdAt: string;
  updatedAt: string;
}

const ENDPOINT_COLUMNS = `id, org_id AS orgId, url, description, events, status, disabled_reason AS disabledReason, secret,
  created_at AS createdAt, updated_at AS updatedAt`;
const DELIVERY_COLUMNS = `id, org_id AS orgId, endpoint_id AS endpointId, event_type AS eventType, body, status,
  next_retry_at AS nextRetryAt, created_at AS createdAt, updated_at AS updatedAt`;

const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({ ...row, events: JSON.parse(row.events) as string[] });

export type EndpointChanges = Partial<Pick<WebhookEndpoint, 'url' | 'description' | 'events' | 'status'>>;

export class WebhookStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  createEndpoint(orgId: string, fields: { url: string; description: string | null; events: string[]; secret: string }): WebhookEndpoint {
    const id = newId('webhookEndpoint');
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO webhook_endpoints (id, org_id, url, description, events, status, secret, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'enabled', ?, ?, ?)`,
      )
      .run(id, orgId, fields.url, fields.description, JSON.stringify(fields.events), fields.secret, at, at);
    return this.findEndpoint(orgId, id) as WebhookEndpoint;
  }

  findEndpoint(orgId: string, id: string): WebhookEndpoint | undefined {
    const row = this.db.prepare(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE org_id = ? AND id = ?`).get(orgId, id) as EndpointRow | undefined;
    return row && toEndpoint(row);
  }

  listEndpoints(orgId: string, page: PageRequest): Page<WebhookEndpoint> {
    const clause = pageClause(page);
    const rows = this.db
      .prepare(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE org_id = ? ${clause.sql}`)
      .all(orgId, ...clause.params) as EndpointRow[];
    return toPage(rows.map(toEndpoint), page.limit);
  }

  /** The org's enabled endpoints subscribed to an event type. */
  subscribers(orgId: string, eventType: string): WebhookEndpoint[] {
    const rows = this.db
      .prepare(
        `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints
         WHERE org_id = ? AND status = 'enabled' AND EXISTS (SELECT 1 FROM json_each(events) WHERE value = ?) ORDER BY id`,
      )
      .all(orgId, eventType) as EndpointRow[];
    return rows.map(toEndpoint);
  }

  /** Apply user changes; a status set by the user clears the platform's disabled reason. */
  updateEndpoint(endpoint: WebhookEndpoint, changes: EndpointChanges): void {
    const merged = { ...endpoint, ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) };
    this.db
      .prepare('UPDATE webhook_endpoints SET url = ?, description = ?, events = ?, status = ?, disabled_reason = ?, updated_at = ? WHERE id = ?')
      .run(
        merged.url,
        merged.description,
        JSON.stringify(merged.events),
        merged.status,
        changes.status ? null : merged.disabledReason,
        this.now().toISOString(),
        endpoint.id,
      );
  }

  /** The platform turns an endpoint off (e.g. its receiver answered 410 Gone). */
  disableEndpoint(id: string, reason: string): void {
    this.db
      .prepare("UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = ?, updated_at = ? WHERE id = ?")
      .run(reason, this.now().toISOString(), id);
  }

  /** Delete an endpoint and (by cascade) its deliveries. */
  deleteEndpoint(id: string): void {
    this.db.prepare('DELETE FROM webhook_endpoints WHERE id = ?').run(id);
  }

  createDelivery(endpoint: WebhookEndpoint, eventType: string, body: string): WebhookDelivery {
    const id = newId('webhookDelivery');
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_type, body, status, next_retry_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .run(id, endpoint.orgId, endpoint.id, eventType, body, at, at, at);
    return this.findDelivery(id) as WebhookDelivery;
  }

  findDelivery(id: string): WebhookDelivery | undefined {
    const row = this.db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ?`).get(id) as Omit<WebhookDelivery, 'attempts'> | undefined;
    return row && { ...row, attempts: this.attemptsOf(id) };
  }

  listDeliveries(endpointId: string, page: PageRequest): Page<WebhookDelivery> {
    const clause = pageClause(page);
    const rows = this.db
      .prepare(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = ? ${clause.sql}`)
      .all(endpointId, ...clause.params) as Omit<WebhookDelivery, 'attempts'>[];
    return toPage(rows.map((row) => ({ ...row, attempts: this.attemptsOf(row.id) })), page.limit);
  }

  /** Record one attempt and the delivery's resulting state, atomically. */
  recordAttempt(
    deliveryId: string,
    attempt: Omit<DeliveryAttempt, 'number'>,
    outcome: { status: WebhookDelivery['status']; nextRetryAt: Date | null },
  ): void {
    writeTransaction(this.db, () => {
      this.db
        .prepare(
          `INSERT INTO webhook_delivery_attempts (delivery_id, number, status_code, error, duration_ms, attempted_at)
           VALUES (?, (SELECT COUNT(*) + 1 FROM webhook_delivery_attempts WHERE delivery_id = ?), ?, ?, ?, ?)`,
        )
        .run(deliveryId, deliveryId, attempt.statusCode, attempt.error, attempt.durationMs, attempt.attemptedAt);
      this.settle(deliveryId, outcome);
    });
  }

  /** Set a delivery's status and next retry time. */
  settle(deliveryId: string, outcome: { status: WebhookDelivery['status']; nextRetryAt: Date | null }): void {
    this.db
      .prepare('UPDATE webhook_deliveries SET status = ?, next_retry_at = ?, updated_at = ? WHERE id = ?')
      .run(outcome.status, outcome.nextRetryAt?.toISOString() ?? null, this.now().toISOString(), deliveryId);
  }

  private attemptsOf(deliveryId: string): DeliveryAttempt[] {
    return this.db
      .prepare(
        `SELECT number, status_code AS statusCode, error, duration_ms AS durationMs, attempted_at AS attemptedAt
         FROM webhook_delivery_attempts WHERE delivery_id = ? ORDER BY number`,
      )
      .all(deliveryId) as DeliveryAttempt[];
  }
}
