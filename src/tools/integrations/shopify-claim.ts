/** Claiming a Shopify install that began on the App Store before the merchant had a Flowyte org. */
import { z } from 'zod';
import { defineTool } from '../define.ts';
import { notFound } from '../../errors.ts';
import { kindField, providerOf } from '../../runtime/integrations/connections.ts';
import { shopDomain, shopify } from '../../runtime/integrations/providers/shopify.ts';
import { claimShopifyInstall } from '../../runtime/integrations/providers/shopify-install.ts';

export const claimShopifyInstallTool = defineTool({
  name: 'claim_shopify_install',
  title: 'Claim a Shopify App Store install',
  description:
    "Attaches a Shopify install made from the Shopify App Store (before the merchant had an account here) to your org as its Shopify connection, replacing any earlier one. The claim secret is the one-time value carried in the post-install link, and works once. 403 claim_secret_mismatch for a wrong secret; 404 when the shop has no pending install (or it was already claimed). Shopify only.",
  http: { method: 'POST', path: '/integrations/{kind}/claim' },
  scope: 'integrations:write',
  toolset: 'integrations',
  input: z.object({
    kind: kindField,
    shop: shopDomain.describe("The shop's myshopify.com domain, e.g. your-store.myshopify.com."),
    claimSecret: z.string().min(16).max(200).describe('The one-time secret from the post-install link.'),
  }),
  output: z.object({
    kind: z.string().describe('The provider (shopify).'),
    status: z.literal('connected').describe('Always connected.'),
    accountLabel: z.string().describe('The shop now connected.'),
  }),
  execute: async (input, context) => {
    if (providerOf(input.kind) !== shopify) throw notFound('Shopify install claim for', input.kind);
    const { accountLabel } = claimShopifyInstall(context.services, context.org.id, input.shop, input.claimSecret);
    return { kind: input.kind, status: 'connected' as const, accountLabel };
  },
});
