/** Getting a number: search the carrier's stock, check one, hold it, buy it, or import one you have. */
import { z } from 'zod';
import { defineTool, idField, idempotencyKeyField, pageInput, pageOf } from '../define.ts';
import { FlowyteError, notFound } from '../../errors.ts';
import { NUMBER_FEATURES } from '../../runtime/numbers/carrier.ts';
import { findAvailable, keypadDigits, searchAvailable, type SearchPosition } from '../../runtime/numbers/availability.ts';
import { HOLD_MINUTES, importNumber, purchaseNumber, releaseHold, reserveNumber } from '../../runtime/numbers/orders.ts';
import {
  TOOLSET, availableNumberSchema, e164Field, ownedNumberSchema, presentAvailable, presentHold, presentOwned, reservationSchema,
} from './present.ts';
import type { ToolContext } from '../types.ts';

const vanity = (maxLength: number, description: string) =>
  z.string().max(maxLength).regex(/^[0-9A-Za-z]+$/, 'use digits and letters only').optional().describe(description);

const agentField = idField('The agent (agt_…) that answers it; omit to keep it in your pool.').optional();

/** The search position inside a signed cursor: `step:e164`. */
function decodePosition(context: ToolContext, cursor: string): SearchPosition {
  const match = /^(\d+):(\+\d+)$/.exec(context.cursors.decode(cursor));
  if (!match) {
    throw new FlowyteError('invalid_cursor', 'cursor is not valid for this list; start again without a cursor', {
      errors: [{ field: 'cursor', message: 'is not a cursor this list returned' }],
    });
  }
  return { step: Number(match[1]), after: match[2] };
}

export const searchAvailableNumbers = defineTool({
  name: 'search_available_numbers',
  title: 'Search available numbers',
  description:
    'Lists numbers you could buy now, in number order, with their capabilities and price. Every filter is optional. With bestEffort (the default) a filter that matches nothing is loosened step by step (vanity digits, then city, then area code to its state, then anywhere) and each result names the filters it no longer meets; bestEffort false matches strictly and may return nothing.',
  http: { method: 'GET', path: '/numbers/search' },
  scope: 'numbers:read',
  toolset: TOOLSET,
  flags: { readOnly: true, idempotent: true, paginated: true, openWorld: true },
  input: z.object({
    areaCode: z.string().regex(/^\d{3}$/, 'must be three digits').optional().describe('Three-digit area code, or a toll-free prefix such as 800.'),
    locality: z.string().trim().min(1).max(100).optional().describe('City, e.g. San Francisco (case and accents ignored).'),
    administrativeArea: z.string().regex(/^[A-Za-z]{2}$/, 'must be a two-letter code').optional().describe('State or province as a two-letter code, e.g. CA.'),
    numberType: z.enum(['local', 'toll_free']).optional().describe('local or toll_free.'),
    features: z
      .array(z.enum(NUMBER_FEATURES).describe('A capability: voice, sms, mms or fax.'))
      .max(NUMBER_FEATURES.length)
      .optional()
      .describe('Capabilities every result must have (REST: a comma list, or the parameter repeated).'),
    contains: vanity(10, 'Digits, or letters as on a keypad, somewhere in the national number (e.g. PLUMB).'),
    endsWith: vanity(7, 'Digits, or letters as on a keypad, the number must end with (e.g. a last four such as 0142).'),
    bestEffort: z.boolean().default(true).describe('Loosen a filter that matches nothing (default true); false for strict matching.'),
    ...pageInput,
  }),
  output: pageOf(availableNumberSchema, 'in number order'),
  execute: async (input, context) => {
    const { cursor, limit, bestEffort, contains, endsWith, ...filters } = input;
    const query = { ...filters, contains: contains && keypadDigits(contains), endsWith: endsWith && keypadDigits(endsWith) };
    const position = cursor ? decodePosition(context, cursor) : undefined;
    const page = await searchAvailable(context.services, context.org.id, query, { bestEffort, limit, position });
    return {
      items: page.items.map(presentAvailable),
      nextCursor: page.next ? context.cursors.encode(`${page.next.step}:${page.next.after}`) : null,
      hasMore: page.next !== null,
    };
  },
});

export const checkAvailableNumber = defineTool({
  name: 'check_available_number',
  title: 'Check one available number',
  description: 'Confirms that one number can still be bought, and at what price, right before purchasing it. Answers 404 when it cannot (not offered, owned, or on hold for someone else).',
  http: { method: 'GET', path: '/numbers/available/{e164}' },
  scope: 'numbers:read',
  toolset: TOOLSET,
  flags: { readOnly: true, idempotent: true, openWorld: true },
  input: z.object({ e164: e164Field('The number, e.g. +14155550142 (URL-encode the + as %2B).') }),
  output: availableNumberSchema.omit({ relaxedFilters: true }),
  execute: async (input, context) => {
    const number = await findAvailable(context.services, context.org.id, input.e164);
    if (!number) throw notFound('available number', input.e164);
    const { relaxedFilters: _relaxed, ...shown } = presentAvailable(number);
    return shown;
  },
});

export const reserveNumberTool = defineTool({
  name: 'reserve_number',
  title: 'Reserve a number before buying',
  description: `Holds a number for you for ${HOLD_MINUTES} minutes, without charging anything, so nobody else can buy it while you confirm; pass the returned id to purchase_number. Reserving a number you already hold returns that hold. 409 when it is owned or held by someone else.`,
  http: { method: 'POST', path: '/numbers/reserve', successStatus: 201 },
  scope: 'numbers:write',
  toolset: TOOLSET,
  flags: { idempotent: true, openWorld: true },
  input: z.object({ e164: e164Field('The number to hold, from search_available_numbers.') }),
  output: reservationSchema,
  execute: async (input, context) => presentHold(await reserveNumber(context.services, context.org.id, input.e164), context.services.now()),
});

export const releaseNumberHold = defineTool({
  name: 'release_number_hold',
  title: 'Release a number hold',
  description: 'Cancels a hold you no longer need, so that others may buy the number. A hold that was already used, released or has lapsed is returned as it is.',
  http: { method: 'DELETE', path: '/numbers/reserve/{id}' },
  scope: 'numbers:write',
  toolset: TOOLSET,
  flags: { destructive: true, idempotent: true },
  input: z.object({ id: idField('The reservation id (rsv_…).') }),
  output: reservationSchema,
  execute: async (input, context) => presentHold(releaseHold(context.services, context.org.id, input.id), context.services.now()),
});

export const purchaseNumberTool = defineTool({
  name: 'purchase_number',
  title: 'Buy a phone number',
  description:
    'Buys a number and charges its first month of rent (plus any setup fee); later months are charged monthly until you release it. Pass the reservationId of your hold so it cannot be taken meanwhile. With billing prepaid the charges are taken from the wallet and 402 answers a wallet that cannot pay (nothing is bought); with billing off they are only metered. 409 when the number was taken. Retry safely with an Idempotency-Key.',
  http: { method: 'POST', path: '/numbers/purchase', successStatus: 201 },
  scope: 'numbers:write',
  toolset: TOOLSET,
  flags: { destructive: true, idempotencyKey: true, openWorld: true },
  input: z.object({
    e164: e164Field('The number to buy.'),
    reservationId: idField('Your hold on it (rsv_…), from reserve_number.').optional(),
    agentId: agentField,
    idempotencyKey: idempotencyKeyField,
  }),
  output: ownedNumberSchema,
  execute: async (input, context) => presentOwned(await purchaseNumber(context.services, context.org.id, input, context.operation)),
});

export const importNumberTool = defineTool({
  name: 'import_number',
  title: 'Import a number you already own',
  description: 'Brings a number you hold on your own carrier account into Flowyte, optionally answering it with an agent at once. No wallet charge and no monthly rent. 409 when the number is already in use here.',
  http: { method: 'POST', path: '/numbers/import', successStatus: 201 },
  scope: 'numbers:write',
  toolset: TOOLSET,
  flags: { openWorld: true },
  input: z.object({ e164: e164Field('The number to import.'), agentId: agentField }),
  output: ownedNumberSchema,
  execute: async (input, context) => presentOwned(await importNumber(context.services, context.org.id, input)),
});
