/** Bearer-credential middleware shared by /api/v1 and /mcp: actor, Origin rule, rate limits. */
import type { MiddlewareHandler } from 'hono';
import { FlowyteError } from '../errors.ts';
import { resolveActor, type Actor } from '../auth/actor.ts';
import type { Services } from '../services.ts';
import { RateLimiter, rateLimitHeaders, takeBoth } from './rate-limit.ts';
import { bearerChallenge } from './protected-resource.ts';

export type AppEnv = { Variables: { actor: Actor; requestId: string } };

/** A publishable key only works from the origins it lists. */
export function checkOrigin(actor: Actor, origin: string | undefined): void {
  if (actor.type !== 'visitor') return;
  if (!origin || !actor.allowedOrigins?.includes(origin)) {
    throw new FlowyteError('origin_not_allowed', `origin ${origin ?? '(none)'} is not allowed for this publishable key`);
  }
}

export function authenticate(services: Services): MiddlewareHandler<AppEnv> {
  const orgLimiter = new RateLimiter(services.config.orgRateLimitPerMinute);
  const keyLimiter = new RateLimiter(services.config.keyRateLimitPerMinute);
  return async function authenticateRequest(c, next) {
    const authorization = c.req.header('authorization');
    let actor: Actor;
    try {
      actor = resolveActor(services.credentials, authorization);
    } catch (error) {
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
