/**
 * A local server speaking Google's documented wire protocols under one origin: the OAuth 2.0
 * consent redirect and token endpoint (authorization_code and refresh_token grants, form-encoded),
 * the OpenID Connect userinfo endpoint, Calendar API v3 (calendars.get, freeBusy.query,
 * events.insert) and Sheets API v4 (spreadsheets.get, values.batchGet, values.append). Bearer
 * tokens and scopes are checked; failures answer Google's error documents.
 */
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { listen } from '../fixtures/listen.ts';

export const GOOGLE_CLIENT = { id: 'flowyte-test.apps.googleusercontent.com', secret: 'GOCSPX-test-secret' };

export interface CalendarEvent {
  id: string;
  calendarId: string;
  summary: string;
  description: string;
  start: { dateTime: string; timeZone?: string };
  end: { dateTime: string; timeZone?: string };
}

export interface Spreadsheet {
  title: string;
  /** Tab title → rows (the first is the header row). */
  tabs: Record<string, string[][]>;
  /** Not shared with the test account: answers 403. */
  private?: boolean;
}

export interface GoogleServer {
  url: string;
  /** The email the consent grants access as. */
  email: string;
  /** Every request: method, path (with query) and the grant type for token calls. */
  requests: { method: string; path: string; grantType?: string }[];
  calendarTimeZone: string;
  events: CalendarEvent[];
  spreadsheets: Map<string, Spreadsheet>;
  /** Make every access token issued so far stop working (as when Google expires or revokes them). */
  expireAccessTokens(): void;
  /** Revoke every refresh token (the user removed the app's access). */
  revokeRefreshTokens(): void;
  close(): Promise<void>;
}

const token = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;

function googleError(c: Context, code: number, status: string, message: string) {
  return c.json({ error: { code, message, errors: [{ message, domain: 'global', reason: status === 'UNAUTHENTICATED' ? 'authError' : 'notFound' }], status } }, code as 401);
}

/** "'It''s a tab'!1:1" → "It's a tab" (an A1 range's sheet name). */
function tabOf(range: string): string {
  const quoted = /^'((?:[^']|'')*)'(?:!.*)?$/.exec(range);
  return quoted ? quoted[1].replace(/''/g, "'") : range.split('!')[0];
}

export async function startGoogleServer(options: { email?: string } = {}): Promise<GoogleServer> {
  const codes = new Map<string, { redirectUri: string; scope: string; used: boolean }>();
  const accessTokens = new Map<string, { scope: string; live: boolean }>();
  const refreshTokens = new Map<string, { scope: string; live: boolean }>();
  const app = new Hono();

  const issue = (scope: string) => {
    const access = token('ya29.');
    accessTokens.set(access, { scope, live: true });
    return access;
  };

  /** The scope granted to the request's bearer token, or undefined when it has none that works. */
  const grantOf = (c: Context) => {
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const grant = bearer ? accessTokens.get(bearer) : undefined;
    return grant?.live ? grant.scope : undefined;
  };
  const unauthenticated = (c: Context) =>
    googleError(c, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
  const insufficientScope = (c: Context) => googleError(c, 403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.');

  app.use(async (c, next) => {
    const grantType = c.req.method === 'POST' && c.req.path === '/token' ? new URLSearchParams(await c.req.raw.clone().text()).get('grant_type') ?? undefined : undefined;
    server.requests.push({ method: c.req.method, path: new URL(c.req.url).pathname + new URL(c.req.url).search, grantType });
    await next();
  });

  // The consent screen: the test user approves at once, and the browser is sent back with a code.
  app.get('/o/oauth2/v2/auth', (c) => {
    const query = c.req.query();
    if (query.client_id !== GOOGLE_CLIENT.id || query.response_type !== 'code' || !query.redirect_uri) return c.text('Error 400: invalid_request', 400);
    const code = token('4/0A');
    codes.set(code, { redirectUri: query.redirect_uri, scope: query.scope ?? '', used: false });
    const back = new URL(query.redirect_uri);
    back.search = new URLSearchParams({ state: query.state ?? '', code, scope: query.scope ?? '' }).toString();
    return c.redirect(back.href, 302);
  });

  app.post('/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    if (form.get('client_id') !== GOOGLE_CLIENT.id || form.get('client_secret') !== GOOGLE_CLIENT.secret) {
      return c.json({ error: 'invalid_client', error_description: 'The OAuth client was not found.' }, 401);
    }
    if (form.get('grant_type') === 'authorization_code') {
      const grant = codes.get(form.get('code') ?? '');
      if (!grant || grant.used || grant.redirectUri !== form.get('redirect_uri')) return c.json({ error: 'invalid_grant', error_description: 'Bad Request' }, 400);
      grant.used = true;
      const refresh = token('1//0g');
      refreshTokens.set(refresh, { scope: grant.scope, live: true });
      return c.json({ access_token: issue(grant.scope), expires_in: 3599, refresh_token: refresh, scope: grant.scope, token_type: 'Bearer' });
    }
    if (form.get('grant_type') === 'refresh_token') {
      const grant = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!grant?.live) return c.json({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }, 400);
      return c.json({ access_token: issue(grant.scope), expires_in: 3599, scope: grant.scope, token_type: 'Bearer' });
    }
    return c.json({ error: 'unsupported_grant_type', error_description: 'Invalid grant_type' }, 400);
  });

  app.get('/v1/userinfo', (c) => {
    const scope = grantOf(c);
    if (scope === undefined) return c.json({ error: 'invalid_request', error_description: 'Invalid Credentials' }, 401);
    return c.json({ sub: '110169484474386276334', email: server.email, email_verified: true });
  });

  // Calendar API v3.
  const calendarScope = (scope: string) => scope.split(' ').some((granted) => granted.startsWith('https://www.googleapis.com/auth/calendar'));
  app.use('/calendar/v3/*', async (c, next) => {
    const scope = grantOf(c);
    if (scope === undefined) return unauthenticated(c);
    if (!calendarScope(scope)) return insufficientScope(c);
    await next();
  });
  app.get('/calendar/v3/calendars/:calendarId', (c) =>
    c.json({ kind: 'calendar#calendar', etag: '"1"', id: c.req.param('calendarId') === 'primary' ? server.email : c.req.param('calendarId'), summary: server.email, timeZone: server.calendarTimeZone }),
  );
  app.post('/calendar/v3/freeBusy', async (c) => {
    const body = (await c.req.json()) as { timeMin?: string; timeMax?: string; items?: { id: string }[] };
    if (!body.timeMin || !body.timeMax) return googleError(c, 400, 'INVALID_ARGUMENT', 'Missing timeMin or timeMax.');
    const from = Date.parse(body.timeMin);
    const until = Date.parse(body.timeMax);
    const calendars = Object.fromEntries(
      (body.items ?? []).map(({ id }) => [
        id,
        {
          busy: server.events
            .filter((event) => event.calendarId === id && Date.parse(event.start.dateTime) < until && Date.parse(event.end.dateTime) > from)
            .map((event) => ({ start: new Date(Date.parse(event.start.dateTime)).toISOString(), end: new Date(Date.parse(event.end.dateTime)).toISOString() })),
        },
      ]),
    );
    return c.json({ kind: 'calendar#freeBusy', timeMin: body.timeMin, timeMax: body.timeMax, calendars });
  });
  app.post('/calendar/v3/calendars/:calendarId/events', async (c) => {
    const body = (await c.req.json()) as Omit<CalendarEvent, 'id' | 'calendarId'>;
    if (!body.start?.dateTime || !body.end?.dateTime) return googleError(c, 400, 'INVALID_ARGUMENT', 'Missing time zone definition for start time.');
    const event: CalendarEvent = { id: randomBytes(13).toString('hex'), calendarId: c.req.param('calendarId'), summary: body.summary, description: body.description, start: body.start, end: body.end };
    server.events.push(event);
    return c.json({ kind: 'calendar#event', status: 'confirmed', htmlLink: `https://www.google.com/calendar/event?eid=${event.id}`, ...event });
  });

  // Sheets API v4: routes with ":append" / ":batchGet" suffixes are matched by hand.
  app.all('/v4/spreadsheets/*', async (c) => {
    const scope = grantOf(c);
    if (scope === undefined) return unauthenticated(c);
    if (!scope.split(' ').includes('https://www.googleapis.com/auth/spreadsheets')) return insufficientScope(c);
    const match = /^\/v4\/spreadsheets\/([^/]+)(?:\/values(?::batchGet|\/([^/]+):append))?$/.exec(c.req.path);
    const sheet = match && server.spreadsheets.get(decodeURIComponent(match[1]));
    if (!match || !sheet) return googleError(c, 404, 'NOT_FOUND', 'Requested entity was not found.');
    if (sheet.private) return googleError(c, 403, 'PERMISSION_DENIED', 'The caller does not have permission');
    const id = decodeURIComponent(match[1]);
    const titles = Object.keys(sheet.tabs);
    if (c.req.method === 'GET' && c.req.path.endsWith('/values:batchGet')) {
      const ranges = new URL(c.req.url).searchParams.getAll('ranges');
      const missing = ranges.find((range) => !(tabOf(range) in sheet.tabs));
      if (missing) return googleError(c, 400, 'INVALID_ARGUMENT', `Unable to parse range: ${missing}`);
      return c.json({ spreadsheetId: id, valueRanges: ranges.map((range) => ({ range, majorDimension: 'ROWS', ...(sheet.tabs[tabOf(range)][0] ? { values: [sheet.tabs[tabOf(range)][0]] } : {}) })) });
    }
    if (c.req.method === 'POST' && match[2]) {
      const range = decodeURIComponent(match[2]);
      const rows = sheet.tabs[tabOf(range)];
      const query = c.req.query();
      if (!rows) return googleError(c, 400, 'INVALID_ARGUMENT', `Unable to parse range: ${range}`);
      if (!['RAW', 'USER_ENTERED'].includes(query.valueInputOption ?? '')) return googleError(c, 400, 'INVALID_ARGUMENT', "'valueInputOption' is required but not specified");
      const { values } = (await c.req.json()) as { values: string[][] };
      const first = rows.length + 1;
      rows.push(...values);
      const width = Math.max(...values.map((row) => row.length));
      const column = String.fromCharCode(64 + width);
      return c.json({
        spreadsheetId: id,
        tableRange: `'${tabOf(range)}'!A1:${column}${first - 1}`,
        updates: { spreadsheetId: id, updatedRange: `'${tabOf(range)}'!A${first}:${column}${rows.length}`, updatedRows: values.length, updatedColumns: width, updatedCells: values.length * width },
      });
    }
    if (c.req.method === 'GET' && !match[2] && !c.req.path.includes('/values')) {
      return c.json({
        properties: { title: sheet.title },
        sheets: titles.map((title, index) => ({ properties: { sheetId: index, title, index, sheetType: 'GRID', gridProperties: { rowCount: 1000, columnCount: 26 } } })),
      });
    }
    return googleError(c, 404, 'NOT_FOUND', 'Requested entity was not found.');
  });

  const listening = await listen(app);
  const server: GoogleServer = {
    url: listening.origin,
    email: options.email ?? 'frontdesk@acme-plumbing.example',
    requests: [],
    calendarTimeZone: 'America/New_York',
    events: [],
    spreadsheets: new Map(),
    expireAccessTokens: () => accessTokens.forEach((grant) => (grant.live = false)),
    revokeRefreshTokens: () => refreshTokens.forEach((grant) => (grant.live = false)),
    close: () => listening.close(),
  };
  return server;
}
