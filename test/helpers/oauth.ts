/** Token-service helpers for tests: form posts, client creation, real jose-signed assertions. */
import { randomUUID, createPrivateKey } from 'node:crypto';
import { SignJWT, importPKCS8, type CryptoKey, type KeyObject } from 'jose';
import type { TestGateway } from './gateway.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface OAuthResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** POSTs a form (string or record) to a token-service path; extra headers as given. */
export async function postForm(base: string, path: string, form: Record<string, string> | string, headers: Record<string, string> = {}): Promise<OAuthResponse> {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: text ? safeJson(text) : null, headers: res.headers };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `Basic` credentials as RFC 6749 2.3.1 wants them: each half form-urlencoded first. */
export function basic(id: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

export async function createClient(gw: TestGateway, app: string, body: Record<string, unknown>): Promise<any> {
  const res = await gw.admin('POST', `/apps/${app}/clients`, { name: 'client', type: 'service', role: 'robot', ...body });
  if (res.status !== 201) throw new Error(`client create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The private key returned once at client creation (base64 PKCS#8 DER) as a jose key. */
export function clientPrivateKey(clientKeyBase64: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(clientKeyBase64, 'base64'), format: 'der', type: 'pkcs8' });
}

export interface AssertionOptions {
  alg?: string;
  kid?: string | null;
  iss?: string;
  sub?: string;
  aud?: string | string[] | null;
  jti?: string | null;
  iat?: number | null;
  exp?: number | null;
  nbf?: number;
  extraHeader?: Record<string, unknown>;
}

/** A client assertion signed with a real key; every claim can be bent for negative tests. */
export async function signAssertion(key: KeyObject | CryptoKey | Uint8Array, clientId: string, aud: string, o: AssertionOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {};
  if (o.jti !== null) payload.jti = o.jti ?? randomUUID();
  if (o.nbf !== undefined) payload.nbf = o.nbf;
  const header: Record<string, unknown> = { alg: o.alg ?? 'ES256', ...o.extraHeader };
  if (o.kid !== null && o.kid !== undefined) header.kid = o.kid;
  let jwt = new SignJWT(payload).setProtectedHeader(header as { alg: string }).setIssuer(o.iss ?? clientId).setSubject(o.sub ?? clientId);
  if (o.aud !== null) jwt = jwt.setAudience(o.aud ?? aud);
  if (o.iat !== null) jwt = jwt.setIssuedAt(o.iat ?? now);
  if (o.exp !== null) jwt = jwt.setExpirationTime(o.exp ?? now + 60);
  return jwt.sign(key);
}

export { importPKCS8 };
