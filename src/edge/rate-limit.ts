/**
 * Per-route rate limits (`perToken`, `perClient`, `perIp`), fixed windows counted by the store's
 * counter, shared by every replica when the store is. While a shared counter cannot count, each
 * replica counts locally with its share of the limit (limit / replicas) instead of failing open.
 */
import type { Counter, Hits } from '../store/counter.js';
import { createMemoryCounter } from '../store/memory-counter.js';
import { parseRate } from '../store/rate.js';
import { errorFields, type ErrorFields } from '../errors.js';
import { clientKey } from '../http/client-address.js';
import { rateLimitHeaders, rateLimitPolicy, secondsUntil } from '../http/rate-limit-headers.js';
import type { EdgeContext } from './context.js';
import type { CompiledRoute } from './routes.js';

type Dimension = 'perToken' | 'perClient' | 'perIp';

interface Limit {
  dimension: Dimension;
  max: number;
  /** This replica's share while Redis cannot count. */
  localMax: number;
  windowMs: number;
  policy: string;
}

export interface RateLimiterDeps {
  /** The store's counter; when it is shared, a failed count falls back to this replica's share. */
  counter: Counter;
  replicas: number;
  /** The client's address for `perIp` (http/client-address.ts). */
  clientAddress(ctx: EdgeContext): string;
  /** A shared count failed and the local share was used. */
  onFallback(err: unknown): void;
}

/** Resolves to the 429 to send, or null when the request is within every limit of its route. */
export type RateLimitCheck = (ctx: EdgeContext, route: CompiledRoute) => Promise<ErrorFields | null>;

export function createRateLimiter(deps: RateLimiterDeps): RateLimitCheck {
  const compiled = new WeakMap<CompiledRoute, Limit[]>();
  const local = createMemoryCounter();

  function limitsOf(route: CompiledRoute): Limit[] {
    let limits = compiled.get(route);
    if (limits) return limits;
    limits = [];
    for (const [dimension, rate] of Object.entries(route.config.rateLimit ?? {}) as [Dimension, string | undefined][]) {
      if (rate === undefined) continue;
      const { max, windowMs } = parseRate(rate);
      limits.push({ dimension, max, windowMs, localMax: Math.max(1, Math.floor(max / deps.replicas)), policy: rateLimitPolicy(max, windowMs) });
    }
    compiled.set(route, limits);
    return limits;
  }

  function subject(limit: Limit, ctx: EdgeContext): string | null {
    if (limit.dimension === 'perIp') return clientKey(deps.clientAddress(ctx));
    const principal = ctx.principal;
    if (!principal) return null;
    // A token that no OAuth client holds is its own client.
    return limit.dimension === 'perClient' ? (principal.clientId ?? principal.tokenId) : principal.tokenId;
  }

  async function count(limit: Limit, key: string): Promise<{ hits: Hits; max: number }> {
    const { counter } = deps;
    try {
      return { hits: await counter.increment(key, limit.windowMs), max: limit.max };
    } catch (err) {
      if (!counter.shared) throw err;
      deps.onFallback(err);
    }
    return { hits: await local.increment(key, limit.windowMs), max: limit.localMax };
  }

  return async function check(ctx, route) {
    const limits = limitsOf(route);
    const pending: Promise<{ hits: Hits; max: number }>[] = [];
    const applied: Limit[] = [];
    for (const limit of limits) {
      const id = subject(limit, ctx);
      if (id === null) continue;
      applied.push(limit);
      pending.push(count(limit, `{${route.name}:${limit.dimension}:${id}}`));
    }
    const results = await Promise.all(pending);
    let refused = -1;
    for (let i = 0; i < results.length; i++) {
      const { hits, max } = results[i]!;
      // Of several exceeded limits, the one that resets last decides Retry-After.
      if (hits.count > max && (refused < 0 || hits.resetAt > results[refused]!.hits.resetAt)) refused = i;
    }
    if (refused < 0) return null;
    const { hits, max } = results[refused]!;
    return tooManyRequests(applied[refused]!, max, hits.resetAt);
  };
}

function tooManyRequests(limit: Limit, max: number, resetAt: number): ErrorFields {
  const reset = secondsUntil(resetAt, Date.now());
  return errorFields('ERR_TG_RATE_LIMITED', { headers: { 'retry-after': String(reset), ...rateLimitHeaders(limit.policy, max, 0, reset) } });
}
