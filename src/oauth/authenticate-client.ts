/**
 * Client authentication at the token, introspection and revocation endpoints: exactly one of
 * client_secret_basic, client_secret_post or private_key_jwt (two at once is invalid_request).
 */
import type { Request, Response } from 'express';
import type { ClientRecord, ClientStore } from '../store/client-store.js';
import { JWT_BEARER, type AssertionVerifier } from './client-assertion.js';
import { parseBasic, verifyClientSecret } from './client-secret-auth.js';
import type { Form } from './form-body.js';
import { invalidClient, invalidRequest, markBasic } from './oauth-errors.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface AuthenticatedClient {
  client: ClientRecord;
  method: ClientAuthMethod;
}

/** The single Authorization header, split into scheme and credentials; repeated headers are malformed. */
export function readAuthorization(rawHeaders: readonly string[]): { scheme: string; credentials: string } | null {
  let value: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== 'authorization') continue;
    if (value !== undefined) throw invalidRequest('more than one Authorization header');
    value = rawHeaders[i + 1]!;
  }
  if (value === undefined) return null;
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  return space < 0 ? { scheme: trimmed.toLowerCase(), credentials: '' } : { scheme: trimmed.slice(0, space).toLowerCase(), credentials: trimmed.slice(space + 1).trim() };
}

export type ClientAuthenticator = (req: Request, res: Response, form: Form) => Promise<AuthenticatedClient>;

export function createClientAuthenticator(clients: ClientStore, verifyAssertion: AssertionVerifier): ClientAuthenticator {
  return async (req, res, form) => {
    const authorization = readAuthorization(req.rawHeaders);
    const basic = authorization?.scheme === 'basic';
    if (basic) markBasic(res);
    const used = [basic, form.client_secret !== undefined, form.client_assertion !== undefined || form.client_assertion_type !== undefined].filter(Boolean).length;
    if (used > 1) throw invalidRequest('use exactly one client authentication method');

    if (basic) {
      const { id, secret } = parseBasic(authorization!.credentials);
      if (form.client_id !== undefined && form.client_id !== id) throw invalidRequest('client_id does not match the Basic credentials');
      return { client: await verifyClientSecret(clients, id, secret), method: 'client_secret_basic' };
    }
    if (authorization) throw invalidClient(`unsupported Authorization scheme for client authentication`);
    if (form.client_secret !== undefined) {
      if (form.client_id === undefined) throw invalidRequest('client_id is required with client_secret');
      return { client: await verifyClientSecret(clients, form.client_id, form.client_secret), method: 'client_secret_post' };
    }
    if (form.client_assertion !== undefined || form.client_assertion_type !== undefined) {
      if (form.client_assertion_type !== JWT_BEARER) throw invalidRequest(`client_assertion_type must be ${JWT_BEARER}`);
      if (form.client_assertion === undefined) throw invalidRequest('client_assertion is required');
      return { client: await verifyAssertion(form.client_assertion, form.client_id), method: 'private_key_jwt' };
    }
    throw invalidClient('client authentication required');
  };
}
