/** Fixed-window request limits per org and per key, with the RateLimit headers to report them. */
import { FlowyteError } from '../errors.ts';

interface Window {
  startedAt: number;
  count: number;
}

export interface LimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** Count one request against `bucket`; throws 429 (with Retry-After) when the window is full. */
  take(bucket: string, limit: number = this.perMinute): LimitState {
    const at = this.now();
    let window = this.windows.get(bucket);
    if (!window || at - window.startedAt >= 60_000) {
      window = { startedAt: at, count: 0 };
      this.windows.set(bucket, window);
      if (this.windows.size > 100_000) this.evict(at);
    }
    const resetSeconds = Math.max(1, Math.ceil((window.startedAt + 60_000 - at) / 1000));
    if (window.count >= limit) {
      throw new FlowyteError('rate_limited', `rate limit of ${limit} requests per minute reached; retry in ${resetSeconds}s`, {
        headers: { 'Retry-After': String(resetSeconds), ...rateLimitHeaders({ limit, remaining: 0, resetSeconds }) },
      });
    }
    window.count += 1;
    return { limit, remaining: limit - window.count, resetSeconds };
  }

  private evict(at: number): void {
    for (const [bucket, window] of this.windows) if (at - window.startedAt >= 60_000) this.windows.delete(bucket);
  }
}

export function rateLimitHeaders(state: LimitState): Record<string, string> {
  return {
    'RateLimit-Limit': String(state.limit),
    'RateLimit-Remaining': String(state.remaining),
    'RateLimit-Reset': String(state.resetSeconds),
  };
}

/** Take from both the org's and the key's bucket (a key may have its own limit); report whichever has less left. */
export function takeBoth(org: RateLimiter, key: RateLimiter, orgId: string, keyId: string, keyLimit?: number): LimitState {
  const orgState = org.take(`org:${orgId}`);
  const keyState = key.take(`key:${keyId}`, keyLimit);
  return orgState.remaining < keyState.remaining ? orgState : keyState;
}
