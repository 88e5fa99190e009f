/** Plans and the org's subscription: list the plans, read the current one, change it. */
import { z } from 'zod';
import { defineTool, idempotencyKeyField, listOf } from '../define.ts';
import { billingModeField } from './wallet.ts';
import { PLANS, PLAN_IDS, planById, type Plan } from '../../runtime/billing/prices.ts';
import { changePlan, currentPeriod } from '../../runtime/billing/subscription.ts';
import type { ToolContext } from '../types.ts';

const toUsd = (cents: number) => cents / 100;

export const planSchema = z.object({
  id: z.string().describe('The plan id to subscribe with (starter, growth, scale).'),
  name: z.string().describe('Display name.'),
  monthlyPriceUsd: z.number().describe('The monthly fee in US dollars, taken from the wallet when a period starts (billing prepaid).'),
  includedMinutes: z.number().int().describe('Voice minutes a period includes at no further charge.'),
  overageRateUsd: z.number().describe('US dollars per voice minute beyond the included ones.'),
  description: z.string().describe('The plan in one sentence.'),
});

export const subscriptionSchema = z.object({
  billingMode: billingModeField,
  planId: z.string().describe('The plan in force.'),
  plan: planSchema.describe('That plan.'),
  status: z.literal('active').describe('Always active: with billing prepaid, a renewal the wallet cannot pay moves the account to the Starter plan.'),
  currentPeriodStart: z.string().describe('When the current monthly period began.'),
  currentPeriodEnd: z.string().describe('When it ends.'),
  renewsAt: z.string().describe('When the next period starts and its fee is taken (the same as currentPeriodEnd).'),
  includedMinutesUsed: z.number().int().describe('Included voice minutes used in this period.'),
  includedMinutesRemaining: z.number().int().describe('Included voice minutes left in this period.'),
  pendingPlanId: z.string().nullable().describe('A cheaper plan chosen during this period, which starts at renewal; null when none.'),
});

export function presentPlan(plan: Plan): z.input<typeof planSchema> {
  return {
    id: plan.id,
    name: plan.name,
    monthlyPriceUsd: toUsd(plan.monthlyPriceCents),
    includedMinutes: plan.includedMinutes,
    overageRateUsd: toUsd(plan.overageMinuteCents),
    description: plan.description,
  };
}

function presentSubscription(context: ToolContext): z.input<typeof subscriptionSchema> {
  const { services, org } = context;
  const { subscription, plan } = currentPeriod(services, org.id);
  const used = Math.min(plan.includedMinutes, services.usage.includedMinutesUsed(org.id, subscription.currentPeriodStart));
  return {
    billingMode: services.config.billing,
    planId: plan.id,
    plan: presentPlan(plan),
    status: 'active',
    currentPeriodStart: subscription.currentPeriodStart,
    currentPeriodEnd: subscription.currentPeriodEnd,
    renewsAt: subscription.currentPeriodEnd,
    includedMinutesUsed: used,
    includedMinutesRemaining: plan.includedMinutes - used,
    pendingPlanId: subscription.pendingPlanId,
  };
}

export const listPlans = defineTool({
  name: 'list_plans',
  title: 'List billing plans',
  description: 'The plans an account can be on, each with its monthly fee, the voice minutes it includes and the per-minute rate beyond them. Chat replies, transfers, the toll-free surcharge and numbers cost the same on every plan.',
  http: { method: 'GET', path: '/billing/plans' },
  scope: 'billing:read',
  toolset: 'billing',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({}),
  output: listOf(planSchema, 'Every plan, cheapest first.'),
  execute: async () => ({ items: PLANS.map(presentPlan) }),
});

export const getSubscription = defineTool({
  name: 'get_subscription',
  title: 'Get current subscription',
  description: "The account's plan, the current monthly period and when it renews, how many included minutes are left, and any plan change waiting for the renewal.",
  http: { method: 'GET', path: '/billing/subscription' },
  scope: 'billing:read',
  toolset: 'billing',
  flags: { readOnly: true, idempotent: true },
  input: z.object({}),
  output: subscriptionSchema,
  execute: async (_input, context) => presentSubscription(context),
});

export const changeSubscriptionPlan = defineTool({
  name: 'change_subscription_plan',
  title: 'Change subscription plan',
  description:
    "Dashboard only. A dearer plan starts at once: with billing prepaid its monthly fee is taken from the wallet (402 insufficient_balance changes nothing), the current period closes with an invoice, and a new period with the new plan's included minutes begins. A cheaper plan starts at the next renewal (pendingPlanId). Choosing the current plan cancels a pending change. Returns the subscription.",
  http: { method: 'POST', path: '/billing/subscription' },
  auth: 'session',
  toolset: 'billing',
  flags: { destructive: true, idempotencyKey: true },
  input: z.object({
    planId: z.enum(PLAN_IDS).describe('The plan to move to.'),
    idempotencyKey: idempotencyKeyField,
  }),
  output: subscriptionSchema,
  execute: async (input, context) => {
    changePlan(context.services, context.org.id, planById(input.planId).id);
    return presentSubscription(context);
  },
});
