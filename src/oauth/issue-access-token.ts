/**
 * Mints an access token for a holder (client or API key): a slot under the holder's cap first,
 * then the token through the lifecycle, fixed expiry. Tokens pushed out by `revoke_oldest`
 * are revoked before the answer, so revocation listeners fire.
 */
import { NotFoundError } from '../errors.js';
import type { Metrics } from '../ops/metrics.js';
import type { ClientStore } from '../store/client-store.js';
import { generateSecret, hashSecret, tokenIdFromHash } from '../tokens/format.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import type { Clock, TokenRecord } from '../types.js';
import { invalidClient, slowDown } from './oauth-errors.js';

export interface AccessTokenRequest {
  /** Client id or API key id: whose cap it counts against and who may revoke it. */
  holder: string;
  name: string;
  app: string;
  subject: string;
  scopes: string[];
  ttl: number;
  maxActive: number;
  evictOldest: boolean;
  grant: 'client_credentials' | 'api_key';
}

export type AccessTokenIssuer = (request: AccessTokenRequest) => Promise<{ token: string; record: TokenRecord }>;

export function createAccessTokenIssuer(deps: { lifecycle: TokenLifecycle; clients: ClientStore; metrics: Metrics; clock: Clock }): AccessTokenIssuer {
  const { lifecycle, clients, metrics, clock } = deps;
  return async (request) => {
    const token = generateSecret('access');
    const id = tokenIdFromHash(hashSecret(token));
    const now = clock();
    const admission = await clients.admitToken(request.holder, id, now + request.ttl, request.maxActive, now, request.evictOldest);
    if (!admission.admitted) {
      // A holder being deleted is gone for the caller, not merely busy.
      if (admission.closed) throw invalidClient('the client is being deleted');
      throw slowDown(`the client already holds its maximum of ${request.maxActive} active tokens`);
    }
    let issued: { token: string; record: TokenRecord };
    try {
      issued = await lifecycle.issue({
        secret: token,
        app: request.app,
        kind: 'access',
        name: request.name,
        scopes: request.scopes,
        subject: request.subject,
        createdBy: request.holder,
        clientId: request.holder,
        ttl: request.ttl,
      });
    } catch (err) {
      await clients.releaseToken(request.holder, id).catch(() => undefined);
      // The app is being deleted (the store refuses its tokens): as if the holder had no app.
      throw err instanceof NotFoundError ? invalidClient('the client belongs to no app') : err;
    }
    if (admission.evicted.length > 0) await Promise.all(admission.evicted.map((evicted) => lifecycle.revoke(evicted)));
    metrics.tokensIssued.labels(request.app, request.grant).inc();
    return issued;
  };
}
