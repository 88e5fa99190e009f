/**
 * Google Sheets end to end against the local Google server: resolving a spreadsheet (title, tabs,
 * headers; 409 before connecting, 404 when it cannot be read), and a provisioned append_row skill,
 * set up with a column mapping, logging a caller as a row in a live conversation.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { startGoogleServer, type GoogleServer } from '../support/google-server.ts';
import { call, connectGoogle, providerConfig, replies, talkLive, toolCalls } from './curated-helpers.ts';

const SHEET_ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';
const SHEET_LINK = `https://docs.google.com/spreadsheets/d/${SHEET_ID}/edit#gid=0`;

const opened = closeAfterEach();
let google: GoogleServer;
let platform: ChatPlatform;

beforeEach(async () => {
  google = opened(await startGoogleServer());
  google.spreadsheets.set(SHEET_ID, { title: 'Acme leads', tabs: { 'Call log': [['Name', 'Phone', 'Email', 'Request', 'Notes']], "Owner's tab": [] } });
  google.spreadsheets.set('1PrivateSheetNotSharedWithUs0000', { title: 'Payroll', tabs: { Sheet1: [['Name']] }, private: true });
  platform = opened(await createChatPlatform(providerConfig({ google })));
});

const lookup = (ref: string, kind = 'google_sheets') => platform.request('GET', `/integrations/${kind}/spreadsheet?${new URLSearchParams({ ref })}`);

describe('lookup_spreadsheet', () => {
  it('returns 409 integration_not_connected before Google Sheets is connected', async () => {
    const response = await lookup(SHEET_LINK);
    expect(response.status).toBe(409);
    expect((await body(response)).code).toBe('integration_not_connected');
  });

  it("answers the title, the tabs and each tab's headers, from a link or a bare id", async () => {
    await connectGoogle(platform, 'google_sheets');
    const expected = { spreadsheetId: SHEET_ID, title: 'Acme leads', tabs: [{ title: 'Call log', headers: ['Name', 'Phone', 'Email', 'Request', 'Notes'] }, { title: "Owner's tab", headers: [] }] };
    expect((await body(await lookup(SHEET_LINK))).data).toEqual(expected);
    expect((await body(await lookup(SHEET_ID))).data).toEqual(expected);
    const batch = google.requests.find((request) => request.path.includes('values:batchGet'))!;
    expect(new URL(batch.path, google.url).searchParams.getAll('ranges')).toEqual(["'Call log'!1:1", "'Owner''s tab'!1:1"]);
  });

  it('returns 404 sheet_not_accessible for an unknown spreadsheet, or one not shared with the account', async () => {
    await connectGoogle(platform, 'google_sheets');
    for (const ref of ['1NoSuchSpreadsheetAnywhere000000', '1PrivateSheetNotSharedWithUs0000']) {
      const response = await lookup(ref);
      expect(response.status).toBe(404);
      expect((await body(response)).code).toBe('sheet_not_accessible');
    }
  });

  it('returns 400 naming ref for something that is not a link or an id, and 404 for another provider', async () => {
    await connectGoogle(platform, 'google_sheets');
    const garbage = await lookup('my spreadsheet');
    expect(garbage.status).toBe(400);
    expect((await body(garbage)).errors).toEqual([{ field: 'ref', message: 'must be a Google Sheets link or a spreadsheet id' }]);
    expect((await lookup(SHEET_ID, 'google_calendar')).status).toBe(404);
  });
});

describe('append_row in a live conversation', () => {
  it('logs the caller as a row, each value under the column mapped to it', async () => {
    await connectGoogle(platform, 'google_sheets');
    const [item] = (await call(platform, 'POST', `/agents/${platform.agentId}/integrations/google_sheets/provision`, { actions: ['append_row'] }));
    expect(item.skill.enabled).toBe(false);
    await call(platform, 'PATCH', `/agents/${platform.agentId}/skills/${item.skill.id}`, {
      enabled: true,
      executionConfig: { kind: 'google_sheets', action: 'append_row', spreadsheetId: SHEET_LINK, sheet: 'Call log', columns: { Name: 'caller_name', Phone: 'caller_phone', Request: 'message' } },
    });
    await platform.publish();

    const frames = await talkLive(platform, platform.agentId, ['Please log my details: my name is Ana Silva, my phone is 720-555-0142, and I need a quote for a new water heater']);
    const [logged] = toolCalls(frames);
    expect(logged).toMatchObject({ name: 'log_to_spreadsheet', ok: true, output: { logged: true, range: "'Call log'!A2:E2" } });
    expect(replies(frames).at(-1)).toBe("Thanks, I've noted your details and someone will follow up.");
    const rows = google.spreadsheets.get(SHEET_ID)!.tabs['Call log'];
    expect(rows).toHaveLength(2);
    expect(rows[1].slice(0, 3)).toEqual(['Ana Silva', '+17205550142', '']);
    expect(rows[1][3]).toContain('water heater');
    expect(rows[1][4]).toBe('');
    const append = google.requests.find((request) => request.path.includes(':append'))!;
    expect(new URL(append.path, google.url).searchParams.get('valueInputOption')).toBe('RAW');
  });

  it('answers politely when a mapped column is not in the tab', async () => {
    await connectGoogle(platform, 'google_sheets');
    const [item] = (await call(platform, 'POST', `/agents/${platform.agentId}/integrations/google_sheets/provision`, {}));
    await call(platform, 'PATCH', `/agents/${platform.agentId}/skills/${item.skill.id}`, {
      enabled: true,
      executionConfig: { kind: 'google_sheets', action: 'append_row', spreadsheetId: SHEET_ID, sheet: 'Call log', columns: { 'Full name': 'caller_name' } },
    });
    await platform.publish();
    const frames = await talkLive(platform, platform.agentId, ['Please log my details: my name is Ana Silva and my phone is 720-555-0142']);
    expect(toolCalls(frames)[0]).toMatchObject({ ok: false, output: { error: 'the tab "Call log" has no column Full name' } });
    expect(google.spreadsheets.get(SHEET_ID)!.tabs['Call log']).toHaveLength(1);
  });

  it('answers politely while the skill is enabled without its settings', async () => {
    await connectGoogle(platform, 'google_sheets');
    const [item] = (await call(platform, 'POST', `/agents/${platform.agentId}/integrations/google_sheets/provision`, {}));
    await call(platform, 'PATCH', `/agents/${platform.agentId}/skills/${item.skill.id}`, { enabled: true });
    await platform.publish();
    const frames = await talkLive(platform, platform.agentId, ['Please log my details: my name is Ana Silva and my phone is 720-555-0142']);
    expect(toolCalls(frames)[0]).toMatchObject({ ok: false, output: { error: expect.stringContaining('set executionConfig.spreadsheetId, executionConfig.sheet, executionConfig.columns') } });
    expect(google.requests.some((request) => request.path.startsWith('/v4/'))).toBe(false);
  });
});
