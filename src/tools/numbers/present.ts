/** The public shapes of the numbers area: numbers owned, numbers for sale, and holds. */
import { phoneNumbers } from '../../runtime/phone-numbers.ts';
import { z } from 'zod';
import { notFound } from '../../errors.ts';
import { NUMBER_FEATURES } from '../../runtime/numbers/carrier.ts';
import { holdState } from '../../runtime/numbers/orders.ts';
import { RELAXABLE_FILTERS, type AvailableNumber } from '../../runtime/numbers/availability.ts';
import type { NumberHold, OwnedNumber } from '../../store/numbers.ts';
import type { ToolContext } from '../types.ts';

export const TOOLSET = 'numbers';

/** A phone number written in E.164 (`+` and country code, digits only), checked against the numbering plans. */
export const e164Field = (description: string) =>
  z
    .string()
    .max(16)
    .refine((value) => {
      const parsed = phoneNumbers().parsePhoneNumberFromString(value);
      return parsed !== undefined && parsed.isValid() && parsed.number === value;
    }, 'must be a valid phone number in E.164 form, e.g. +14155550100')
    .describe(description);

const toUsd = (cents: number) => cents / 100;

/** What every number shows, owned or for sale. */
const lineFields = {
  e164: z.string().describe('The number in E.164 form.'),
  numberType: z.enum(['local', 'toll_free']).describe('local, or toll_free (callers pay nothing; each minute received costs a surcharge).'),
  areaCode: z.string().nullable().describe('Its area code (or toll-free prefix); null where the numbering plan has none.'),
  locality: z.string().nullable().describe('The city it belongs to; null for toll-free and unlisted area codes.'),
  administrativeArea: z.string().nullable().describe('Its state or province, as a two-letter code; null when unknown.'),
  features: z.array(z.enum(NUMBER_FEATURES)).describe('What the line can do: voice, sms, mms, fax.'),
  provider: z.string().describe('An opaque label of the carrier behind the line; do not depend on its value.'),
  currency: z.literal('usd').describe('Always usd.'),
};

export const ownedNumberSchema = z.object({
  id: z.string().describe('Number id (num_…).'),
  ...lineFields,
  source: z.enum(['purchased', 'imported']).describe('Bought through Flowyte (pays monthly rent) or imported from your own carrier account (pays none).'),
  status: z.enum(['available', 'assigned']).describe('assigned: calls reach agentId; available: in your pool, answered by nobody.'),
  agentId: z.string().nullable().describe('The agent that answers it; null while in the pool.'),
  monthlyCost: z.number().describe('Monthly rent in US dollars (0 for imported numbers).'),
  paidThrough: z.string().nullable().describe('Rent is paid up to this time, when the next month is charged; null for imported numbers.'),
  createdAt: z.string().describe('When it was bought or imported.'),
});

export const availableNumberSchema = z.object({
  ...lineFields,
  monthlyCost: z.number().describe('Monthly rent in US dollars; the first month is charged at purchase.'),
  setupCost: z.number().describe('One-time fee at purchase, in US dollars.'),
  reservationId: z.string().nullable().describe('Your active hold on it (pass it to purchase_number); null when you hold none.'),
  relaxedFilters: z
    .array(z.enum(RELAXABLE_FILTERS))
    .describe('Search filters this number does not meet because the search was widened (bestEffort); empty for an exact match.'),
});

export const reservationSchema = z.object({
  id: z.string().describe('Reservation id (rsv_…); pass it to purchase_number as reservationId.'),
  e164: z.string().describe('The number held.'),
  status: z.enum(['active', 'expired', 'released', 'consumed']).describe('active until expiresAt; consumed once bought or imported; released when cancelled.'),
  expiresAt: z.string().describe('When the hold lapses if not used.'),
  createdAt: z.string().describe('When it was made.'),
});

export function presentOwned(number: OwnedNumber): z.input<typeof ownedNumberSchema> {
  return {
    id: number.id,
    e164: number.e164,
    numberType: number.numberType,
    areaCode: number.areaCode,
    locality: number.locality,
    administrativeArea: number.administrativeArea,
    features: number.features,
    provider: number.provider,
    currency: 'usd',
    source: number.source,
    status: number.status,
    agentId: number.agentId,
    monthlyCost: toUsd(number.monthlyCostCents),
    paidThrough: number.paidThrough,
    createdAt: number.createdAt,
  };
}

export function presentAvailable(number: AvailableNumber): z.input<typeof availableNumberSchema> {
  const { monthlyCents, setupCents, ...line } = number;
  return { ...line, currency: 'usd', monthlyCost: toUsd(monthlyCents), setupCost: toUsd(setupCents) };
}

export function presentHold(hold: NumberHold, now: Date): z.input<typeof reservationSchema> {
  return { id: hold.id, e164: hold.e164, status: holdState(hold, now), expiresAt: hold.expiresAt, createdAt: hold.createdAt };
}

/** The org's owned number, or 404. */
export function loadNumber(context: ToolContext, id: string): OwnedNumber {
  const number = context.services.numbers.find(context.org.id, id);
  if (!number) throw notFound('number', id);
  return number;
}
