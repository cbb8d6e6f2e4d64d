/**
 * `POST /oauth/key` and the Hypersign alias `POST /api/v1/app/oauth`: an API key in
 * `X-Api-Secret-Key` (and, when sent, an `Origin` the app allows) becomes an access token.
 * Web pages call it: preflights are answered for any app's origin, and a response carries
 * `Access-Control-Allow-Origin` only for an origin of the key's own app.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { gatewayError } from '../errors.js';
import { compileCors, isPreflight, preflight, responseHeaders, type CorsConfig } from '../http/cors.js';
import type { ApiKeyRecord, ClientStore } from '../store/client-store.js';
import type { TokenStore } from '../store/token-store.js';
import { hashSecret, parseSecret, sameDigest } from '../tokens/format.js';
import { ignoreBody } from './form-body.js';
import type { AccessTokenIssuer } from './issue-access-token.js';
import { invalidClient, invalidRequest, noStore } from './oauth-errors.js';
import type { TokenRateLimits } from './token-rate-limits.js';
import { MAX_FORM_BYTES } from './token-endpoint.js';

/** Enough for any deployment; past it the oldest key-exchange token is revoked rather than refusing. */
const KEY_TOKENS_MAX = 10_000;

declare module 'express-serve-static-core' {
  interface Request {
    apiKey?: ApiKeyRecord;
  }
}

/** The public handle of an API key, derived from its hash so one read finds the record. */
export function apiKeyIdFromHash(hash: string): string {
  return `key_${hash.slice(0, 22)}`;
}

function singleHeader(rawHeaders: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== name) continue;
    if (value !== undefined) throw invalidRequest(`more than one ${name} header`);
    value = rawHeaders[i + 1]!;
  }
  return value;
}

/** What a browser may send to the key exchange; the origins come from the apps. */
const KEY_EXCHANGE_CORS: Omit<CorsConfig, 'origins'> = { methods: ['POST'], headers: ['X-Api-Secret-Key', 'Content-Type'], credentials: false, maxAge: 600_000 };

export interface KeyExchangeDeps {
  store: TokenStore;
  clients: ClientStore;
  limits: TokenRateLimits;
  issueAccessToken: AccessTokenIssuer;
}

export function keyExchange(deps: KeyExchangeDeps): RequestHandler[] {
  // A preflight carries no key, so which app will answer is not known yet: any app's origin may ask.
  async function answerPreflight(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (!isPreflight(req.method, req.headers)) return next();
    const origins = (await deps.store.listApps()).flatMap((app) => app.origins);
    const answer = preflight(compileCors({ ...KEY_EXCHANGE_CORS, origins }), req.headers);
    res.set(answer.headers);
    if (!answer.allowed) throw gatewayError('ERR_TG_ACCESS_DENIED', { description: `CORS preflight refused: ${answer.reason}` });
    res.status(204).end();
  }

  async function authenticateKey(req: Request, _res: Response, next: NextFunction): Promise<void> {
    const raw = singleHeader(req.rawHeaders, 'x-api-secret-key')?.trim();
    if (!raw) throw invalidRequest('the X-Api-Secret-Key header is required');
    const failed = () => invalidClient('invalid API key');
    if (parseSecret(raw) !== 'apiKey') throw failed();
    const hash = hashSecret(raw);
    const key = await deps.clients.getApiKey(apiKeyIdFromHash(hash));
    if (!key || !sameDigest(key.hash, hash)) throw failed();
    req.apiKey = key;
    next();
  }

  async function exchange(req: Request, res: Response): Promise<void> {
    const key = req.apiKey!;
    const app = await deps.store.getApp(key.app);
    if (!app) throw invalidClient('invalid API key');
    const origin = singleHeader(req.rawHeaders, 'origin');
    if (origin !== undefined && !app.origins.includes(origin)) {
      throw gatewayError('ERR_TG_ACCESS_DENIED', { description: 'this Origin is not allowed for the app' });
    }
    res.set(responseHeaders(compileCors({ ...KEY_EXCHANGE_CORS, origins: app.origins }), origin));
    const { token } = await deps.issueAccessToken({
      holder: key.id,
      name: key.name,
      app: key.app,
      subject: `apikey:${key.id}`,
      scopes: key.scopes.filter((s) => app.scopes.includes(s)),
      ttl: key.tokenTtl,
      maxActive: KEY_TOKENS_MAX,
      evictOldest: true,
      grant: 'api_key',
    });
    res.status(200).json({ access_token: token, tokenType: 'Bearer', expiresIn: Math.floor(key.tokenTtl / 1000) });
  }

  return [noStore, deps.limits.byAddress, answerPreflight, ignoreBody(MAX_FORM_BYTES), authenticateKey, exchange];
}
