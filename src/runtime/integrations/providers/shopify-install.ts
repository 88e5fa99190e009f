/**
 * Shopify App Store installs that start before the merchant has a Flowyte org: the install's
 * completion keeps the shop's token as a pending install and hands the merchant a one-time claim
 * secret (in the post-install redirect); signed in, the merchant claims it, and it becomes the
 * org's ordinary Shopify connection.
 */
import { randomBytes } from 'node:crypto';
import { FlowyteError } from '../../../errors.ts';
import type { Services } from '../../../services.ts';
import { shopDomain, shopify } from './shopify.ts';

/** How long a pending install waits for its merchant. */
const PENDING_DAYS = 7;

/** Keep a finished install's token for `shop`; the one-time claim secret to put in the redirect (shown this once). */
export function recordPendingInstall(services: Pick<Services, 'shopifyInstalls' | 'now'>, shop: string, accessToken: string): { shop: string; claimSecret: string; expiresAt: string } {
  const domain = shopDomain.parse(shop);
  const claimSecret = randomBytes(32).toString('base64url');
  const expiresAt = new Date(services.now().getTime() + PENDING_DAYS * 86_400_000).toISOString();
  services.shopifyInstalls.record(domain, accessToken, claimSecret, expiresAt);
  return { shop: domain, claimSecret, expiresAt };
}

/** Attach the shop's pending install to the org: 404 when there is none (or it was claimed), 403 claim_secret_mismatch on a wrong secret. */
export function claimShopifyInstall(services: Services, orgId: string, shop: string, claimSecret: string): { accountLabel: string } {
  const outcome = services.shopifyInstalls.claim(shop, claimSecret);
  if (outcome.status === 'not_found') throw new FlowyteError('not_found', `no pending Shopify install for ${shop}: install the app from the Shopify App Store first`);
  if (outcome.status === 'mismatch') throw new FlowyteError('claim_secret_mismatch', `the claim secret does not match ${shop}'s install: use the one from the post-install link`);
  services.integrations.connect(orgId, shopify.kind, { shop, access_token: outcome.accessToken }, shop);
  return { accountLabel: shop };
}
