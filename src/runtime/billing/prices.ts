/** The price list (db/catalog/prices.json): plans, per-unit usage prices and number rentals, in credits (US cents). */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { packagePath } from '../../package-root.ts';

const cents = z.number().int().min(0);

const catalogSchema = z.object({
  currency: z.literal('usd'),
  plans: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        monthlyPriceCents: cents,
        includedMinutes: z.number().int().min(0),
        overageMinuteCents: cents,
        description: z.string(),
      }),
    )
    .min(1),
  defaultPlan: z.string(),
  usage: z.object({
    chat_message: z.object({ cents, unit: z.string(), description: z.string() }),
    toll_free_minute: z.object({ cents, unit: z.string(), description: z.string() }),
    transfer_minute: z.object({ cents, unit: z.string(), description: z.string() }),
  }),
  numbers: z.object({
    local: z.object({ monthlyCents: cents, setupCents: cents }),
    toll_free: z.object({ monthlyCents: cents, setupCents: cents }),
  }),
});

export type Plan = z.infer<typeof catalogSchema>['plans'][number];
export type NumberType = 'local' | 'toll_free';
/** The usage kinds with one price on every plan (voice minutes are priced by the plan). */
export type FlatUsageKind = keyof z.infer<typeof catalogSchema>['usage'];

const CATALOG = catalogSchema.parse(JSON.parse(readFileSync(packagePath('db', 'catalog', 'prices.json'), 'utf8')));
if (!CATALOG.plans.some((plan) => plan.id === CATALOG.defaultPlan)) throw new Error(`prices.json: the default plan ${CATALOG.defaultPlan} is not listed`);

export const PLANS: readonly Plan[] = CATALOG.plans;
export const PLAN_IDS = PLANS.map((plan) => plan.id) as [string, ...string[]];

export function planById(id: string): Plan {
  const plan = PLANS.find((candidate) => candidate.id === id);
  if (!plan) throw new Error(`unknown plan ${id}`);
  return plan;
}

/** The plan a new account starts on. */
export const DEFAULT_PLAN = planById(CATALOG.defaultPlan);

export function usagePriceCents(kind: FlatUsageKind): number {
  return CATALOG.usage[kind].cents;
}

export function numberPrice(numberType: NumberType): { monthlyCents: number; setupCents: number } {
  return CATALOG.numbers[numberType];
}
