/** Bearer-credential middleware shared by /api/v1 and /mcp: actor, Origin rule, rate limits. */
import type { MiddlewareHandler } from 'hono';
import { FlowyteError } from '../errors.ts';
import { resolveActor, type Actor } from '../auth/actor.ts';
import type { Services } from '../services.ts';
import { RateLimiter, rateLimitHeaders, takeBoth } from './rate-limit.ts';
import { bearerChallenge } from './protected-resource.ts';
import { clientAddress, parseTrustedProxies } from './client-address.ts';

export type AppEnv = { Variables: { actor: Actor; requestId: string } };

/** A publishable key only works from the origins it lists. */
export function checkOrigin(actor: Actor, origin: string | undefined): void {
  if (actor.type !== 'visitor') return;
  if (!origin || !actor.allowedOrigins?.includes(origin)) {
    throw new FlowyteError('origin_not_allowed', `origin ${origin ?? '(none)'} is not allowed for this publishable key`);
  }
}

/**
 * Resolve the credential and take from the org's and key's budgets. An address that sent more
 * refused credentials than the per-minute allowance gets 429 for the rest of that minute, before
 * any credential it sends is looked at (so a guess can no longer succeed meanwhile).
 */
export function authenticate(services: Services): MiddlewareHandler<AppEnv> {
  const { config } = services;
  const orgLimiter = new RateLimiter(config.orgRateLimitPerMinute);
  const keyLimiter = new RateLimiter(config.keyRateLimitPerMinute);
  const failures = new RateLimiter(config.authFailuresPerMinute, {
    describe: (limit, resetSeconds) => `more than ${limit} failed authentication attempts from this address in a minute; retry in ${resetSeconds}s`,
  });
  const proxies = parseTrustedProxies(config.trustedProxies);
  return async function authenticateRequest(c, next) {
    const address = config.authFailuresPerMinute > 0 ? clientAddress(c, proxies) : null;
    const bucket = `address:${address}`;
    if (address) failures.check(bucket);
    const authorization = c.req.header('authorization');
    let actor: Actor;
    try {
      actor = resolveActor(services.credentials, authorization);
    } catch (error) {
      // A credential that was sent and refused counts; a request that sent none does not.
      if (address && authorization && error instanceof FlowyteError && error.code === 'unauthorized') failures.record(bucket);
      // RFC 9728 §5.1: a 401 names the metadata that says how to authenticate here.
      if (error instanceof FlowyteError && error.code === 'unauthorized') {
        c.header('WWW-Authenticate', bearerChallenge(services.config.publicBaseUrl, authorization !== undefined));
      }
      throw error;
    }
    checkOrigin(actor, c.req.header('origin'));
    c.set('actor', actor);
    const limits = takeBoth(orgLimiter, keyLimiter, actor.orgId, actor.id, actor.rateLimitRpm);
    // Set before the response exists, so they ride on it without rebuilding it.
    for (const [name, value] of Object.entries(rateLimitHeaders(limits))) c.header(name, value);
    await next();
  };
}
