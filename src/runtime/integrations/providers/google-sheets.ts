/**
 * Google Sheets: append what the agent collected as a row of a chosen tab (values.append), with
 * each column filled from the parameter the operator mapped to its header; and the lookup that
 * helps an operator pick the spreadsheet, the tab and the real column names.
 */
import { z } from 'zod';
import { FlowyteError } from '../../../errors.ts';
import type { ActionDefinition, ConnectionContext, IntegrationProvider, ProviderResult } from '../provider.ts';
import { succeeded } from '../provider-fetch.ts';
import { googleApi, googleEndpoints, googleFailure, googleOAuth } from './google-oauth.ts';

const SHEET_URL = /\/spreadsheets\/d\/([A-Za-z0-9_-]{10,})/;
const SHEET_ID = /^[A-Za-z0-9_-]{10,}$/;

/** The spreadsheet id in a Sheets link or a bare id; undefined when it is neither. */
export function spreadsheetIdOf(ref: string): string | undefined {
  const trimmed = ref.trim();
  return SHEET_URL.exec(trimmed)?.[1] ?? (SHEET_ID.test(trimmed) ? trimmed : undefined);
}

const settings = z.object({
  spreadsheetId: z
    .string()
    .max(500)
    .transform((value, context) => {
      const id = spreadsheetIdOf(value);
      if (!id) context.addIssue({ code: 'custom', message: 'must be a Google Sheets link or spreadsheet id' });
      return id ?? value;
    })
    .optional(),
  sheet: z.string().trim().min(1).max(100).optional(),
  columns: z
    .record(z.string().trim().min(1).max(200), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a parameter name'))
    .refine((columns) => Object.keys(columns).length <= 100, 'at most 100 columns')
    .optional(),
});

const ACTIONS: ActionDefinition[] = [
  {
    slug: 'append_row',
    name: 'Log to spreadsheet',
    description: "Log the caller's details and request as a new row in the spreadsheet, for a lead or callback list.",
    parametersSchema: {
      type: 'object',
      properties: {
        caller_name: { type: 'string', description: "The caller's name" },
        caller_phone: { type: 'string', description: "The caller's phone number" },
        caller_email: { type: 'string', description: "The caller's email address, if they gave one" },
        message: { type: 'string', description: 'What the caller wants, in their words' },
      },
      required: ['caller_name', 'caller_phone'],
    },
    important: true,
    readOnly: false,
    configNeeded: [
      { key: 'spreadsheetId', description: 'The spreadsheet to write to: its link or id (GET /integrations/google_sheets/spreadsheet checks it).' },
      { key: 'sheet', description: 'The tab to append rows to, by its title.' },
      { key: 'columns', description: 'Which parameter fills each column, by column header: { "Name": "caller_name", "Phone": "caller_phone" }.' },
    ],
    settings,
  },
];

const sheetsUrl = (context: ConnectionContext, path: string) => `${googleEndpoints(context.services.config).sheets}/spreadsheets${path}`;

/** A tab's name in A1 notation: quoted, with quotes doubled. */
const a1 = (tab: string, cells: string) => `'${tab.replace(/'/g, "''")}'!${cells}`;

export interface SpreadsheetOutline {
  spreadsheetId: string;
  title: string;
  tabs: { title: string; headers: string[] }[];
}

/** The spreadsheet's title, tabs and each tab's header row; 404 sheet_not_accessible when the account cannot read it. */
export async function outlineSpreadsheet(context: ConnectionContext, spreadsheetId: string): Promise<SpreadsheetOutline> {
  const base = sheetsUrl(context, `/${encodeURIComponent(spreadsheetId)}`);
  const meta = await googleApi(context, `${base}?${new URLSearchParams({ fields: 'properties.title,sheets.properties' })}`);
  if (meta.status === 404 || meta.status === 403) {
    throw new FlowyteError('sheet_not_accessible', 'The spreadsheet was not found, or it is not shared with the connected Google account: check the link and its sharing');
  }
  if (!succeeded(meta)) throw googleFailure('Google Sheets', meta);
  const document = meta.body as { properties?: { title?: string }; sheets?: { properties?: { title?: string } }[] };
  const titles = (document.sheets ?? []).map((sheet) => String(sheet.properties?.title ?? ''));
  const headers = titles.length ? await headerRows(context, spreadsheetId, titles) : [];
  return { spreadsheetId, title: String(document.properties?.title ?? ''), tabs: titles.map((title, index) => ({ title, headers: headers[index] ?? [] })) };
}

/** The first row of each tab, in one values.batchGet. */
async function headerRows(context: ConnectionContext, spreadsheetId: string, tabs: string[]): Promise<string[][]> {
  const query = new URLSearchParams(tabs.map((tab) => ['ranges', a1(tab, '1:1')]));
  const response = await googleApi(context, `${sheetsUrl(context, `/${encodeURIComponent(spreadsheetId)}/values:batchGet`)}?${query}`);
  if (!succeeded(response)) throw googleFailure('Google Sheets', response);
  const ranges = (response.body as { valueRanges?: { values?: unknown[][] }[] }).valueRanges ?? [];
  return ranges.map((range) => (range.values?.[0] ?? []).map((cell) => String(cell)));
}

/** Append one row: each header gets the value of the parameter mapped to it (blank when none). */
async function appendRow(context: ConnectionContext, input: Record<string, unknown>, config: z.output<typeof settings>): Promise<ProviderResult> {
  const { spreadsheetId, sheet, columns } = config as Required<typeof config>;
  const [headers] = await headerRows(context, spreadsheetId, [sheet]);
  const missing = Object.keys(columns).filter((header) => !headers?.includes(header));
  if (!headers?.length || missing.length) {
    return { ok: false, output: { error: `the tab "${sheet}" has no column ${missing.join(', ') || 'headers'}`, message: "I couldn't log that just now. I'll make sure someone gets your details." } };
  }
  const parameterOf = new Map(Object.entries(columns));
  const row = headers.map((header) => {
    const value = input[parameterOf.get(header) ?? ''];
    return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  });
  const url = `${sheetsUrl(context, `/${encodeURIComponent(spreadsheetId)}/values/${encodeURIComponent(a1(sheet, 'A1'))}:append`)}?${new URLSearchParams({
    // RAW: what a caller said is stored as text, never run as a formula.
    valueInputOption: 'RAW',
    insertDataOption: 'INSERT_ROWS',
  })}`;
  const response = await googleApi(context, url, { json: { values: [row] } });
  if (!succeeded(response)) throw googleFailure('Google Sheets', response);
  const updates = (response.body as { updates?: { updatedRange?: string } }).updates;
  return { ok: true, output: { logged: true, range: updates?.updatedRange ?? null, message: "Thanks, I've noted your details and someone will follow up." } };
}

export const googleSheets: IntegrationProvider = {
  kind: 'google_sheets',
  name: 'Google Sheets',
  category: 'spreadsheet',
  description: 'Log callers and their requests as rows of a Google spreadsheet, each field in the column you choose.',
  logo: 'google-sheets',
  auth: 'oauth',
  oauth: googleOAuth(['https://www.googleapis.com/auth/spreadsheets']),
  actions: ACTIONS,
  async runAction(context, slug, input, config) {
    if (slug !== 'append_row') throw new FlowyteError('integration_error', `Google Sheets has no action ${slug}`);
    return appendRow(context, input, settings.parse(config));
  },
};
