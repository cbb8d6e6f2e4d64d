/**
 * CORS (the Fetch standard's protocol) for routes with a `cors` block and for the key exchange:
 * the answer to a preflight, and the headers an actual response carries. Pure: the caller writes
 * what these return, and a preflight never needs a token.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A route's `cors` block as configured (src/config/schema.ts); `maxAge` in ms. */
export interface CorsConfig {
  /** Serialized origins (`https://app.example.com`), or `*` alone for any origin without credentials. */
  origins: readonly string[];
  methods: readonly string[];
  headers: readonly string[];
  credentials: boolean;
  maxAge: number;
}

/** A CorsConfig compiled once at load: lookups are set membership, answer headers prebuilt. */
export interface Cors {
  anyOrigin: boolean;
  origins: ReadonlySet<string>;
  methods: ReadonlySet<string>;
  headers: ReadonlySet<string>;
  credentials: boolean;
  preflightHeaders: Readonly<Record<string, string>>;
}

export type PreflightAnswer = { allowed: true; headers: Record<string, string> } | { allowed: false; reason: string; headers: Record<string, string> };

/** Methods a browser sends without asking (CORS-safelisted methods). */
const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);
const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

export function compileCors(config: CorsConfig): Cors {
  const headers = config.headers.map((h) => h.toLowerCase());
  return {
    anyOrigin: config.origins.includes('*'),
    origins: new Set(config.origins),
    methods: new Set(config.methods),
    headers: new Set(headers),
    credentials: config.credentials,
    preflightHeaders: {
      'access-control-allow-methods': config.methods.join(', '),
      ...(headers.length > 0 ? { 'access-control-allow-headers': headers.join(', ') } : {}),
      'access-control-max-age': String(Math.floor(config.maxAge / 1000)),
    },
  };
}

/** An OPTIONS request that announces the method a browser wants to send, with its Origin. */
export function isPreflight(method: string | undefined, headers: IncomingHttpHeaders): boolean {
  return method === 'OPTIONS' && typeof headers.origin === 'string' && typeof headers['access-control-request-method'] === 'string';
}

/** The answer to a preflight: the headers that allow it, or why not (with only `Vary`). */
export function preflight(cors: Cors, requestHeaders: IncomingHttpHeaders): PreflightAnswer {
  const vary = { vary: PREFLIGHT_VARY };
  const origin = requestHeaders.origin;
  if (!originAllowed(cors, origin)) return { allowed: false, reason: 'origin not allowed', headers: vary };
  const method = requestHeaders['access-control-request-method'];
  if (typeof method !== 'string' || !(cors.methods.has(method) || SAFELISTED_METHODS.has(method))) return { allowed: false, reason: 'method not allowed', headers: vary };
  const asked = headerList(requestHeaders['access-control-request-headers']);
  const refused = asked.find((name) => !cors.headers.has(name));
  if (refused !== undefined) return { allowed: false, reason: `header not allowed: ${refused.slice(0, 64)}`, headers: vary };
  return { allowed: true, headers: { ...allowOrigin(cors, origin!), ...cors.preflightHeaders, ...vary } };
}

/** Headers for an actual (non-preflight) response to a request from `origin`. */
export function responseHeaders(cors: Cors, origin: string | undefined): Record<string, string> {
  if (!originAllowed(cors, origin)) return { vary: 'Origin' };
  return { ...allowOrigin(cors, origin!), ...(cors.anyOrigin && !cors.credentials ? {} : { vary: 'Origin' }) };
}

function originAllowed(cors: Cors, origin: string | undefined): origin is string {
  // `null` is what sandboxed frames and file: pages send: never one origin, so never trusted.
  return origin !== undefined && origin !== 'null' && (cors.anyOrigin || cors.origins.has(origin));
}

function allowOrigin(cors: Cors, origin: string): Record<string, string> {
  if (cors.anyOrigin && !cors.credentials) return { 'access-control-allow-origin': '*' };
  return { 'access-control-allow-origin': origin, ...(cors.credentials ? { 'access-control-allow-credentials': 'true' } : {}) };
}

function headerList(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
}
