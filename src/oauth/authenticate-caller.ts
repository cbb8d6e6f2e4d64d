/** Who calls introspection or revocation: an OAuth client, or an admin token (Bearer). */
import type { Request, Response } from 'express';
import type { ClientRecord } from '../store/client-store.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import { ADMIN_APP_ID } from '../types.js';
import { readAuthorization, type ClientAuthenticator } from './authenticate-client.js';
import type { Form } from './form-body.js';
import { invalidClient } from './oauth-errors.js';

export type Caller = { kind: 'admin' } | { kind: 'client'; client: ClientRecord };

export type CallerAuthenticator = (req: Request, res: Response, form: Form) => Promise<Caller>;

/** Admin tokens need `admin.tokens` (or `admin.read` when `readOnly`). */
export function createCallerAuthenticator(lifecycle: TokenLifecycle, authenticateClient: ClientAuthenticator, readOnly: boolean): CallerAuthenticator {
  return async (req, res, form) => {
    const authorization = readAuthorization(req.rawHeaders);
    if (authorization?.scheme !== 'bearer') return { kind: 'client', client: (await authenticateClient(req, res, form)).client };
    const result = await lifecycle.verify(authorization.credentials);
    const scopes = result.ok ? result.record.scopes : [];
    if (!result.ok || result.record.app !== ADMIN_APP_ID || !(scopes.includes('admin.tokens') || (readOnly && scopes.includes('admin.read')))) {
      throw invalidClient('caller authentication failed');
    }
    return { kind: 'admin' };
  };
}
