/**
 * The rate-limit fields the edge and the token endpoint both send, in one dialect: the
 * `RateLimit-Limit/-Remaining/-Reset/-Policy` fields of draft-ietf-httpapi-ratelimit-headers-06
 * (express-rate-limit's `draft-6`, which most clients and ingress configs read) and the same
 * numbers as draft-07's combined `RateLimit`, so clients of either draft understand them.
 */

/** A limit's `RateLimit-Policy` value, `100;w=60`: built once per limit. */
export function rateLimitPolicy(max: number, windowMs: number): string {
  return `${max};w=${windowMs / 1000}`;
}

/** Whole seconds until `resetAt` (epoch ms), at least 1: what `RateLimit-Reset` and `Retry-After` say. */
export function secondsUntil(resetAt: number, now: number): number {
  return Math.max(1, Math.ceil((resetAt - now) / 1000));
}

/** The five fields for a limit of `max` with `remaining` hits left, resetting in `reset` seconds. */
export function rateLimitHeaders(policy: string, max: number, remaining: number, reset: number): Record<string, string> {
  const left = Math.max(0, remaining);
  return {
    ratelimit: `limit=${max}, remaining=${left}, reset=${reset}`,
    'ratelimit-limit': String(max),
    'ratelimit-remaining': String(left),
    'ratelimit-reset': String(reset),
    'ratelimit-policy': policy,
  };
}
