/** Resolving a spreadsheet for a Sheets skill: can the connected account read it, and what are its tabs and columns. */
import { z } from 'zod';
import { defineTool } from '../define.ts';
import { notFound } from '../../errors.ts';
import { connectionContext, kindField } from '../../runtime/integrations/connections.ts';
import { invalidField } from '../../runtime/skills/kind.ts';
import { googleSheets, outlineSpreadsheet, spreadsheetIdOf } from '../../runtime/integrations/providers/google-sheets.ts';

export const lookupSpreadsheet = defineTool({
  name: 'lookup_spreadsheet',
  title: 'Look up a connected spreadsheet',
  description:
    "Checks that the connected Google account can read a spreadsheet (given as its link or id) and answers its title, its tabs and each tab's header row, so an append_row skill can be pointed at a real tab and its columns mapped to real headers. Reads only. 409 integration_not_connected before Google Sheets is connected; 404 sheet_not_accessible when the link is wrong or the file is not shared with the connected account.",
  http: { method: 'GET', path: '/integrations/{kind}/spreadsheet' },
  scope: 'integrations:read',
  toolset: 'integrations',
  flags: { readOnly: true, idempotent: true, openWorld: true },
  input: z.object({
    kind: kindField,
    ref: z.string().trim().min(1).max(500).describe('A Google Sheets link (https://docs.google.com/spreadsheets/d/…/edit) or the bare spreadsheet id.'),
  }),
  output: z.object({
    spreadsheetId: z.string().describe('The spreadsheet id (what executionConfig.spreadsheetId takes).'),
    title: z.string().describe("The spreadsheet's title."),
    tabs: z
      .array(z.object({ title: z.string().describe('The tab (what executionConfig.sheet takes).'), headers: z.array(z.string()).describe('Its first row: the column headers to map.') }))
      .describe('Its tabs, in order.'),
  }),
  execute: async (input, context) => {
    if (input.kind !== googleSheets.kind) throw notFound('spreadsheet lookup for', input.kind);
    const spreadsheetId = spreadsheetIdOf(input.ref);
    if (!spreadsheetId) throw invalidField('ref', 'must be a Google Sheets link or a spreadsheet id');
    const { context: connection } = connectionContext(context.services, context.org.id, input.kind, context.signal);
    return outlineSpreadsheet(connection, spreadsheetId);
  },
});
