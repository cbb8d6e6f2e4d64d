/** Admin request bodies: validated with field paths, durations parsed like the config file's. */
import { z } from 'zod';
import { appId, duration, MIN_TOKEN_TTL, scopeName } from '../config/schema.js';
import { formatIssues } from '../config/load.js';
import { ValidationError } from '../errors.js';

const origin = z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'expected an origin such as https://app.example.com');
/** A UTF-16 half without its other half: Redis stores it as U+FFFD, so two different names would become one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const text = (max: number) => z.string().trim().min(1).max(max).refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode (no lone surrogate)');
const name = text(128);
const subject = text(256);
/** An app's default token lifetime: sliding expiry is only guaranteed from the minimum up (config/schema.ts). */
const appTokenTtl = duration.refine((ms) => ms >= MIN_TOKEN_TTL, 'must be at least 60s');

export const appCreateBody = z
  .object({ id: appId, name, scopes: z.array(scopeName).max(256).default([]), origins: z.array(origin).max(64).default([]), tokenTtl: appTokenTtl.optional() })
  .strict();

export const appPatchBody = z
  .object({ name, scopes: z.array(scopeName).max(256), origins: z.array(origin).max(64), tokenTtl: appTokenTtl })
  .partial()
  .strict();

export const tokenCreateBody = z
  .object({ name, kind: z.enum(['api', 'install']).default('api'), scopes: z.array(scopeName).max(256).default([]), ttl: duration.optional(), subject: subject.optional() })
  .strict()
  .superRefine((body, ctx) => {
    if (body.kind === 'install' && body.scopes.length > 0) ctx.addIssue({ code: 'custom', path: ['scopes'], message: 'installation tokens carry no scopes' });
    if (body.ttl !== undefined && body.ttl < 60_000) ctx.addIssue({ code: 'custom', path: ['ttl'], message: 'must be at least 60s' });
  });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

/** Parse or throw a ValidationError that lists every problem with its path. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new ValidationError(formatIssues(result.error.issues));
  return result.data;
}
