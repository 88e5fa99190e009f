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

export interface LimiterOptions {
  now?: () => number;
  /** The 429's detail (default: "rate limit of N requests per minute reached; …"). */
  describe?: (limit: number, resetSeconds: number) => string;
}

const describeRequests = (limit: number, resetSeconds: number) => `rate limit of ${limit} requests per minute reached; retry in ${resetSeconds}s`;

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;
  private readonly describe: (limit: number, resetSeconds: number) => string;

  constructor(private readonly perMinute: number, options: LimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.describe = options.describe ?? describeRequests;
  }

  /** Count one request against `bucket`; throws 429 (with Retry-After) when the window is full. */
  take(bucket: string, limit: number = this.perMinute): LimitState {
    const state = this.check(bucket, limit);
    this.record(bucket);
    return { ...state, remaining: state.remaining - 1 };
  }

  /** Throw 429 (with Retry-After) when `bucket`'s window is full, without counting anything. */
  check(bucket: string, limit: number = this.perMinute): LimitState {
    const at = this.now();
    const window = this.current(bucket, at);
    const resetSeconds = Math.max(1, Math.ceil((window.startedAt + 60_000 - at) / 1000));
    if (window.count >= limit) {
      throw new FlowyteError('rate_limited', this.describe(limit, resetSeconds), {
        headers: { 'Retry-After': String(resetSeconds), ...rateLimitHeaders({ limit, remaining: 0, resetSeconds }) },
      });
    }
    return { limit, remaining: limit - window.count, resetSeconds };
  }

  /** Count one event against `bucket` (it never throws: `check` refuses the next one). */
  record(bucket: string): void {
    this.current(bucket, this.now()).count += 1;
  }

  private current(bucket: string, at: number): Window {
    let window = this.windows.get(bucket);
    if (!window || at - window.startedAt >= 60_000) {
      window = { startedAt: at, count: 0 };
      this.windows.set(bucket, window);
      if (this.windows.size > 100_000) this.evict(at);
    }
    return window;
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
