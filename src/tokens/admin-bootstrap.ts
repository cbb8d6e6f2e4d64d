/** The built-in `tollgate-admin` app and the first admin token. */
import type { TokenStore } from '../store/token-store.js';
import { ConflictError, gatewayError } from '../errors.js';
import { ADMIN_APP_ID, ADMIN_SCOPES, type Clock, type TokenRecord } from '../types.js';
import type { TokenLifecycle } from './lifecycle.js';
import { hashSecret, tokenIdFromHash } from './format.js';

/** Creates the admin app when missing; every process does this at start, so it always exists. */
export async function ensureAdminApp(store: TokenStore, clock: Clock): Promise<void> {
  if (await store.getApp(ADMIN_APP_ID)) return;
  try {
    await store.createApp({ id: ADMIN_APP_ID, name: 'tollgate admin API', scopes: [...ADMIN_SCOPES], origins: [], createdAt: clock() });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err; // another replica won the race
  }
}

/**
 * Creates an admin token with every admin scope. With `secret` (an operator-provided token, e.g.
 * from a Kubernetes Secret) it adopts that value, and does nothing if it is already stored.
 */
export async function bootstrapAdminToken(
  store: TokenStore,
  lifecycle: TokenLifecycle,
  clock: Clock,
  options: { name?: string; secret?: string } = {},
): Promise<{ token: string; record: TokenRecord; created: boolean }> {
  await ensureAdminApp(store, clock);
  if (options.secret) {
    const existing = await store.getToken(tokenIdFromHash(hashSecret(options.secret)));
    if (existing && existing.revokedAt === undefined && (existing.expiresAt === null || existing.expiresAt > clock())) {
      return { token: options.secret, record: existing, created: false };
    }
    // A revoked or expired bootstrap token stays dead: adopting it again would undo the revocation.
    if (existing) throw gatewayError('ERR_TG_CONFLICT', { description: 'this bootstrap token was revoked or has expired; supply a new one' });
  }
  const name = options.name ?? `bootstrap-${new Date(clock()).toISOString().replace(/[:.]/g, '-')}`;
  const issued = await lifecycle.issue({
    app: ADMIN_APP_ID,
    kind: 'api',
    name,
    scopes: [...ADMIN_SCOPES],
    subject: 'bootstrap',
    createdBy: 'bootstrap',
    ...(options.secret ? { secret: options.secret } : {}),
  });
  return { ...issued, created: true };
}
