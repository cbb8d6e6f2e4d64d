/**
 * `POST /oauth/revoke` (RFC 7009): 200 whether or not the token was known; a client revokes only
 * tokens it holds, an admin token any token.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { ClientStore } from '../store/client-store.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import type { CallerAuthenticator } from './authenticate-caller.js';
import { readForm } from './form-body.js';
import { authenticateCallerStep, tokenParam } from './introspect.js';
import { noStore } from './oauth-errors.js';
import { MAX_FORM_BYTES } from './token-endpoint.js';
import type { TokenRateLimits } from './token-rate-limits.js';

export function revokeEndpoint(deps: { lifecycle: TokenLifecycle; clients: ClientStore; authenticateCaller: CallerAuthenticator; limits: TokenRateLimits }): RequestHandler[] {
  async function revoke(req: Request, res: Response): Promise<void> {
    const caller = req.oauthCaller!;
    const result = await deps.lifecycle.inspect(tokenParam(req));
    if (result.ok && (caller.kind === 'admin' || result.record.clientId === caller.client.id)) {
      const record = await deps.lifecycle.revoke(result.record.id);
      if (record?.clientId !== undefined) await deps.clients.releaseToken(record.clientId, record.id);
    }
    // RFC 7009 2.2 leaves the body to the server; clients such as simple-oauth2 parse it as JSON.
    res.status(200).json({});
  }

  return [noStore, readForm(MAX_FORM_BYTES), deps.limits.byAddress, authenticateCallerStep(deps.authenticateCaller), revoke];
}
