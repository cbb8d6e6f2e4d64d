/** Request bodies of the clients and API keys admin endpoints. */
import { z } from 'zod';
import { duration, scopeName } from '../config/schema.js';
import { ASSERTION_LIFETIME_CAP } from '../oauth/assertion-policy.js';

const name = z.string().trim().min(1).max(128);

export const clientCreateBody = z
  .object({
    name,
    type: z.enum(['personal', 'service']),
    auth: z.enum(['client_secret', 'private_key_jwt']),
    scopes: z.array(scopeName).max(256).default([]),
    tokenTtl: duration.optional(),
    maxActiveTokens: z.number().int().min(1).max(1_000_000).default(10),
    assertionMaxLifetime: duration.optional(),
    onTokenCap: z.enum(['reject', 'revoke_oldest']).default('reject'),
    owner: z.string().trim().min(1).max(256).optional(),
    role: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'expected 1-64 of A-Z a-z 0-9 . _ : -').optional(),
    jwks: z.object({ keys: z.array(z.unknown()).min(1).max(20) }).optional(),
    jwks_uri: z.url({ protocol: /^https$/, error: 'expected an https:// URL' }).max(2048).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.type === 'personal' && !body.owner) ctx.addIssue({ code: 'custom', path: ['owner'], message: 'required for a personal client (who it acts as)' });
    if (body.type === 'service' && !body.role) ctx.addIssue({ code: 'custom', path: ['role'], message: 'required for a service client' });
    if (body.type === 'service' && body.owner) ctx.addIssue({ code: 'custom', path: ['owner'], message: 'only personal clients have an owner' });
    if (body.type === 'personal' && body.role) ctx.addIssue({ code: 'custom', path: ['role'], message: 'only service clients have a role' });
    if (body.auth === 'client_secret' && (body.jwks || body.jwks_uri)) ctx.addIssue({ code: 'custom', path: ['auth'], message: 'jwks and jwks_uri need auth private_key_jwt' });
    if (body.jwks && body.jwks_uri) ctx.addIssue({ code: 'custom', path: ['jwks_uri'], message: 'give jwks or jwks_uri, not both' });
    const lifetime = body.assertionMaxLifetime;
    if (lifetime !== undefined && (lifetime < 1_000 || lifetime > ASSERTION_LIFETIME_CAP)) ctx.addIssue({ code: 'custom', path: ['assertionMaxLifetime'], message: 'must be between 1s and 24h' });
  });

export const apiKeyCreateBody = z
  .object({ name, scopes: z.array(scopeName).max(256).optional(), tokenTtl: duration.default(14_400_000) })
  .strict();
