/**
 * HYPR's documented client flow, reproduced without HYPR's code: an assertion made the way the
 * vanilla-Java JWTCreator makes it (ES256 over the client key, `iss` = `aud` = https://hypr.com,
 * a fresh random UUID as `kid`, `exp` now + 1 h unless given), and the bytes curl sends for the
 * documentation's cURL command to the HYPR exchange path.
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { rawExchange, type RawExchange } from './raw-socket.js';

export const HYPR_DEFAULT = 'https://hypr.com';
export const HYPR_EXCHANGE_PATH = '/rp/token/endpoint/exchange/clientcredentials';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export interface JwtCreatorOptions {
  /** `-exp`: seconds since the epoch (JWTCreator's default is now + 3600). */
  exp?: number;
  /** Overrides for negative tests; JWTCreator itself never changes these. */
  kid?: string | null;
  iss?: string;
  aud?: string;
}

/** `java JWTCreator.java -sub <clientId> -keybase64 <clientKey> [-exp <epoch seconds>]`, in TypeScript. */
export function jwtCreatorAssertion(clientId: string, clientKeyBase64: string, options: JwtCreatorOptions = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header: Record<string, string> = { alg: 'ES256', typ: 'JWT' };
  if (options.kid !== null) header.kid = options.kid ?? randomUUID();
  const claims = { iss: options.iss ?? HYPR_DEFAULT, sub: clientId, aud: options.aud ?? HYPR_DEFAULT, jti: randomUUID(), iat: now, exp: options.exp ?? now + 3600 };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const key = createPrivateKey({ key: Buffer.from(clientKeyBase64, 'base64'), format: 'der', type: 'pkcs8' });
  // JOSE wants the raw r||s pair (RFC 7518 3.4), not the DER sequence ECDSA produces by default.
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

/**
 * What curl 7.88 writes for HYPR's documented command:
 * `curl --location '<host>/rp/token/endpoint/exchange/clientcredentials' --header 'Content-Type: application/x-www-form-urlencoded'
 *  --data-urlencode 'grant_type=authorization_code' --data-urlencode 'client_assertion_type=urn:…:jwt-bearer' --data-urlencode 'client_assertion=<JWT>'`
 */
export function hyprCurlRequest(hostPort: string, assertion: string): string {
  const body = [`grant_type=authorization_code`, `client_assertion_type=${encodeURIComponent(JWT_BEARER)}`, `client_assertion=${encodeURIComponent(assertion)}`].join('&');
  return (
    `POST ${HYPR_EXCHANGE_PATH} HTTP/1.1\r\nHost: ${hostPort}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n` +
    `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Sends HYPR's cURL request to a gateway at `baseUrl` and parses the JSON answer. */
export async function postLikeHyprCurl(baseUrl: string, assertion: string): Promise<{ status: number; body: any; head: string }> {
  const url = new URL(baseUrl);
  const exchange: RawExchange = await rawExchange(Number(url.port), hyprCurlRequest(url.host, assertion));
  exchange.socket.destroy();
  return { status: exchange.status, body: exchange.body ? JSON.parse(exchange.body) : null, head: exchange.head };
}
