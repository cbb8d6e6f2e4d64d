/**
 * client_secret_basic and client_secret_post (RFC 6749 2.3.1). An unknown client and a wrong
 * secret take the same path (hash, constant-time compare) and give the same answer.
 */
import type { ClientRecord, ClientStore } from '../store/client-store.js';
import { hashSecret, parseSecret, sameDigest } from '../tokens/format.js';
import { invalidClient } from './oauth-errors.js';

export const MAX_CLIENT_ID_LENGTH = 128;
const DUMMY_DIGEST = hashSecret('tollgate: no such client');

/** Decodes `Basic base64(urlencode(id):urlencode(secret))`; anything else is invalid_client. */
export function parseBasic(credentials: string): { id: string; secret: string } {
  const bad = () => invalidClient('malformed Basic credentials');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials) || credentials.length % 4 !== 0) throw bad();
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw bad();
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw bad();
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

export async function verifyClientSecret(clients: ClientStore, id: string, secret: string): Promise<ClientRecord> {
  const failed = () => invalidClient('client authentication failed');
  if (id.length === 0 || id.length > MAX_CLIENT_ID_LENGTH || parseSecret(secret) !== 'clientSecret') throw failed();
  const client = await clients.getClient(id);
  const presented = hashSecret(secret);
  const stored = client?.auth === 'client_secret' && client.secretHash ? client.secretHash : DUMMY_DIGEST;
  if (!sameDigest(presented, stored) || !client || client.auth !== 'client_secret') throw failed();
  return client;
}
