/**
 * The token service's rate limits, per source address and per authenticated client, counted by
 * the store's counter (in Redis, shared by every replica): one script call per limit, no other
 * per-request work. A count the store cannot answer is a 503, never a free pass. Every answer
 * carries the same rate-limit fields as the edge's 429s (http/rate-limit-headers.ts).
 */
import type { Request, RequestHandler } from 'express';
import { GatewayError, StoreUnavailableError } from '../errors.js';
import { clientKey } from '../http/client-address.js';
import { rateLimitHeaders, rateLimitPolicy, secondsUntil } from '../http/rate-limit-headers.js';
import type { Counter, Hits } from '../store/counter.js';
import { parseRate } from '../store/rate.js';
import type { Config } from '../config/schema.js';
import { slowDown } from './oauth-errors.js';

export interface TokenRateLimits {
  byAddress: RequestHandler;
  /** Keyed by `clientKey(req)`; runs after client authentication. */
  byClient: RequestHandler;
}

/** Counter keys are `oauth:<name>:<who>`: in Redis `<prefix>rl:oauth:ip:…` and `<prefix>rl:oauth:client:…`. */
function limiter(rate: string | false, name: 'ip' | 'client', counter: Counter, who: (req: Request) => string): RequestHandler {
  if (rate === false) return (_req, _res, next) => next();
  const { max, windowMs } = parseRate(rate);
  const policy = rateLimitPolicy(max, windowMs);
  return async function rateLimit(req, res, next) {
    let hits: Hits;
    try {
      hits = await counter.increment(`oauth:${name}:${who(req)}`, windowMs);
    } catch (err) {
      throw err instanceof GatewayError ? err : new StoreUnavailableError(err);
    }
    const reset = secondsUntil(hits.resetAt, Date.now());
    const headers = rateLimitHeaders(policy, max, max - hits.count, reset);
    for (const field in headers) res.setHeader(field, headers[field]!);
    if (hits.count > max) throw slowDown('too many token requests; slow down', reset);
    next();
  };
}

export function createTokenRateLimits(config: Config, counter: Counter, clientOf: (req: Request) => string): TokenRateLimits {
  const { perIp, perClient } = config.tokenEndpoint.rateLimit;
  return {
    byAddress: limiter(perIp, 'ip', counter, (req) => clientKey(req.ip ?? 'unknown')),
    byClient: limiter(perClient, 'client', counter, clientOf),
  };
}
