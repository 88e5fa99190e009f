/** The activity log: every request, by whom, with what result. */
import { z } from 'zod';
import { defineTool, pageInput, pageOf, paginate } from './define.ts';

const timestamp = (description: string) =>
  z.string().max(40).refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 time').optional().describe(description);

export const listAuditLogs = defineTool({
  name: 'list_audit_logs',
  title: 'List activity logs',
  description:
    'Lists requests made in your account, newest first: who made each (user, API key, widget visitor or system), the endpoint or tool, the status and when. Filter by time range and actor.',
  http: { method: 'GET', path: '/audit-logs' },
  scope: 'audit:read',
  toolset: 'audit',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({
    from: timestamp('Only entries at or after this time.'),
    to: timestamp('Only entries at or before this time.'),
    actorType: z.enum(['user', 'api_key', 'visitor', 'system']).optional().describe('Only entries by this kind of actor.'),
    actorId: z.string().max(64).optional().describe('Only entries by this user or key id.'),
    ...pageInput,
  }),
  output: pageOf(
    z.object({
      id: z.string().describe('Entry id.'),
      actorType: z.string().describe('user, api_key, visitor or system.'),
      actorId: z.string().nullable().describe('The user or key id.'),
      via: z.string().describe('rest or mcp.'),
      method: z.string().describe('HTTP method, or TOOL for an MCP call.'),
      endpoint: z.string().describe('Path or tool name.'),
      status: z.number().int().describe('Resulting HTTP status.'),
      durationMs: z.number().describe('How long it took.'),
      requestId: z.string().nullable().describe('Request id.'),
      createdAt: z.string().describe('When.'),
    }),
  ),
  execute: async (input, context) =>
    paginate(
      context,
      input,
      (page) =>
        context.services.audit.list(
          context.org.id,
          {
            from: input.from && new Date(input.from).toISOString(),
            to: input.to && new Date(input.to).toISOString(),
            actorType: input.actorType,
            actorId: input.actorId,
          },
          page,
        ),
      (entry) => entry,
    ),
});
