/** Keyset pagination over time-sortable ids, newest first, plus signed opaque cursors. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { FlowyteError } from '../errors.ts';

export interface PageRequest {
  /** Return rows with ids strictly below this one (the last id of the previous page). */
  before?: string;
  limit: number;
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

/** SQL fragment and parameters for a newest-first keyset page; the query must select limit+1 rows. */
export function pageClause(page: PageRequest, column = 'id'): { sql: string; params: unknown[] } {
  return {
    sql: `${page.before ? `AND ${column} < ?` : ''} ORDER BY ${column} DESC LIMIT ?`,
    params: page.before ? [page.before, page.limit + 1] : [page.limit + 1],
  };
}

/** Trim the extra row a page query fetched and say whether more exist. */
export function toPage<T>(rows: T[], limit: number): Page<T> {
  return { items: rows.slice(0, limit), hasMore: rows.length > limit };
}

/**
 * Cursors are `base64url(json).signature`, bound to the org that received them: a cursor from
 * another org, or one that was edited, fails the signature check and is a 400.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(orgId: string, position: string): string {
    const body = Buffer.from(JSON.stringify({ p: position })).toString('base64url');
    return `${body}.${this.sign(orgId, body)}`;
  }

  decode(orgId: string, cursor: string): string {
    const [body, signature] = cursor.split('.');
    const expected = body ? this.sign(orgId, body) : '';
    const valid =
      body && signature && signature.length === expected.length &&
      timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    if (!valid) throw invalidCursor();
    try {
      const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { p?: unknown };
      if (typeof parsed.p !== 'string') throw invalidCursor();
      return parsed.p;
    } catch {
      throw invalidCursor();
    }
  }

  private sign(orgId: string, body: string): string {
    return createHmac('sha256', this.secret).update(`${orgId}.${body}`).digest('base64url');
  }
}

function invalidCursor(): FlowyteError {
  return new FlowyteError('invalid_cursor', 'cursor is not valid for this list; start again without a cursor', {
    errors: [{ field: 'cursor', message: 'is not a cursor this list returned' }],
  });
}
