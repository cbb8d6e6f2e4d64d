/**
 * The token service's rate limits, per source address and per authenticated client, with
 * express-rate-limit counting in Redis through rate-limit-redis so every replica shares them.
 * A count Redis cannot answer is a 503, never a free pass.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { RedisStore as RateLimitRedisStore, type RedisReply } from 'rate-limit-redis';
import type { Config } from '../config/schema.js';
import { StoreUnavailableError } from '../errors.js';
import { parseRate } from '../store/rate.js';
import { LuaScript } from '../store/redis-scripts.js';
import { RedisStore } from '../store/redis-store.js';
import type { TokenStore } from '../store/token-store.js';
import { slowDown } from './oauth-errors.js';

export interface TokenRateLimits {
  byAddress: RequestHandler;
  /** Keyed by `clientKey(req)`; runs after client authentication. */
  byClient: RequestHandler;
}

/**
 * rate-limit-redis loads its scripts once at start and would keep a failed load forever if Redis
 * was down then; this adapter answers SCRIPT LOAD locally and runs EVALSHA with an EVAL fallback.
 */
function redisCommands(store: RedisStore): (...args: string[]) => Promise<RedisReply> {
  const scripts = new Map<string, LuaScript>();
  return async (...args) => {
    try {
      const [command, ...rest] = args;
      if (command === 'SCRIPT' && rest[0] === 'LOAD') {
        const sha = createHash('sha1').update(rest[1]!).digest('hex');
        scripts.set(sha, new LuaScript(rest[1]!));
        return sha;
      }
      const script = command === 'EVALSHA' ? scripts.get(rest[0]!) : undefined;
      if (script) return (await script.run(store.client, rest.slice(2, 2 + Number(rest[1])), rest.slice(2 + Number(rest[1])))) as RedisReply;
      return (await store.client.call(command!, ...rest)) as RedisReply;
    } catch (err) {
      throw new StoreUnavailableError(err);
    }
  };
}

function limiter(rate: string | false, prefix: string, tokenStore: TokenStore, key: RequestHandlerKey): RequestHandler {
  if (rate === false) return (_req, _res, next) => next();
  const { max: limit, windowMs } = parseRate(rate);
  const store: Store | undefined = tokenStore instanceof RedisStore ? new RateLimitRedisStore({ sendCommand: redisCommands(tokenStore), prefix }) : undefined;
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    ...(store ? { store } : {}),
    validate: { xForwardedForHeader: false },
    handler: (req, _res, next) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      next(slowDown('too many token requests; slow down', reset ? (reset.getTime() - Date.now()) / 1000 : windowMs / 1000));
    },
  });
}

type RequestHandlerKey = (req: Parameters<RequestHandler>[0]) => string;

export function createTokenRateLimits(config: Config, store: TokenStore, clientKey: RequestHandlerKey): TokenRateLimits {
  const { perIp, perClient } = config.tokenEndpoint.rateLimit;
  const prefix = `${config.store.keyPrefix}rl:oauth:`;
  return {
    byAddress: limiter(perIp, `${prefix}ip:`, store, (req) => ipKeyGenerator(req.ip ?? 'unknown')),
    byClient: limiter(perClient, `${prefix}client:`, store, clientKey),
  };
}
