/**
 * Client public keys for private_key_jwt: one algorithm per key, asymmetric only, and the
 * generated P-256 key pair whose private half is handed out once as base64 PKCS#8 DER.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import type { ClientKey } from '../store/client-store.js';

/** Assertion algorithms tollgate accepts: never `none`, never HMAC. */
export const ASSERTION_ALGS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] as const;
const ALLOWED = new Set<string>(ASSERTION_ALGS);
const CURVE_ALG: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', Ed25519: 'EdDSA' };
export const MAX_KID_LENGTH = 128;
const PUBLIC_FIELDS = ['kty', 'crv', 'x', 'y', 'n', 'e', 'kid', 'alg', 'use'] as const;

/** The one algorithm a key may verify: its `alg`, or the curve's; RSA keys must name theirs. */
export function keyAlgorithm(jwk: JWK): string | null {
  const implied = jwk.kty === 'EC' || jwk.kty === 'OKP' ? CURVE_ALG[jwk.crv ?? ''] : undefined;
  const alg = jwk.alg ?? implied;
  if (!alg || !ALLOWED.has(alg)) return null;
  if (implied !== undefined && alg !== implied) return null;
  if (jwk.kty === 'RSA' && !alg.startsWith('RS') && !alg.startsWith('PS')) return null;
  if ((jwk.kty === 'EC' || jwk.kty === 'OKP') && implied === undefined) return null;
  return jwk.kty === 'RSA' || jwk.kty === 'EC' || jwk.kty === 'OKP' ? alg : null;
}

/** A registrable public key, or why not. Private members are refused, not stripped. */
export function toClientKey(value: unknown): ClientKey | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JWK object';
  const jwk = value as JWK;
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0 || jwk.kid.length > MAX_KID_LENGTH) return `kid: required, 1-${MAX_KID_LENGTH} characters`;
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) return 'a private or symmetric key; register the public key only';
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'use: must be "sig"';
  const alg = keyAlgorithm(jwk);
  if (!alg) return `alg: the key needs one of ${ASSERTION_ALGS.join(', ')} matching its type`;
  try {
    createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    return 'not a valid public key';
  }
  const key: Record<string, unknown> = {};
  for (const field of PUBLIC_FIELDS) if (jwk[field] !== undefined) key[field] = jwk[field];
  return { ...(key as JWK), kid: jwk.kid, alg };
}

/** A fresh P-256 pair: the public JWK (kid = RFC 7638 thumbprint) and the private key, base64 PKCS#8 DER. */
export async function generateClientKey(): Promise<{ publicKey: ClientKey; privateKeyBase64: string }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const pem = await exportPKCS8(privateKey);
  const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
  return { publicKey: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y!, kid, alg: 'ES256', use: 'sig' }, privateKeyBase64: der.toString('base64') };
}
