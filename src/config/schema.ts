/** The configuration file's schema: validated once at start, parsed into a typed `Config`. */
import { z } from 'zod';
import { isAddressOrRange } from '../http/client-address.js';
import { parseDuration } from './duration.js';
import { TOKEN_KINDS } from '../types.js';

/** A duration field: seconds as a number, or `250ms` / `60s` / `15m` / `2h` / `30d`; parsed to ms. */
export const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const parsed = parseDuration(value);
  if ('error' in parsed) {
    ctx.issues.push({ code: 'custom', message: parsed.error, input: value });
    return z.NEVER;
  }
  return parsed.ms;
});

// `.` and `..` would be path segments in /admin/v1/apps/{app}, resolved away by any URL client.
export const appId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 of A-Z a-z 0-9 . _ -')
  .refine((id) => id !== '.' && id !== '..', 'expected an id other than "." and ".."');
export const scopeName = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/, 'expected a scope token (RFC 6749 3.3)');
const routeName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 of A-Z a-z 0-9 . _ -');
const port = z.number().int().min(0).max(65535);
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, 'expected an HTTP header name');
const rate = z.string().regex(/^\d+\/(s|m|h)$/, 'expected a rate such as 100/s, 600/m or 1000/h');
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** A serialized origin as browsers send it (`https://app.example.com`, no path), or `*` for any. */
const corsOrigin = z.string().refine((o) => o === '*' || (URL.canParse(o) && new URL(o).origin === o), 'expected * or an origin such as https://app.example.com (scheme://host[:port], lower case, no path)');

/** A route's CORS: preflights answered without a token, Access-Control-Allow-Origin on responses. */
export const corsSchema = z
  .object({
    origins: z.array(corsOrigin).min(1),
    methods: z.array(z.enum(METHODS)).min(1).default(['GET', 'HEAD', 'POST']),
    headers: z.array(headerName).default(['Authorization', 'Content-Type']),
    credentials: z.boolean().default(false),
    maxAge: duration.default(600_000),
  })
  .strict()
  .superRefine((cors, ctx) => {
    // Fetch refuses `Access-Control-Allow-Origin: *` on a credentialed request; echoing any origin instead would trust every site.
    if (cors.credentials && cors.origins.includes('*')) ctx.addIssue({ code: 'custom', path: ['origins'], message: 'list the origins: * cannot be combined with credentials' });
  });

const routeApp = z.union([
  appId,
  z.object({ param: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }).strict(),
  z.object({ header: headerName }).strict(),
]);

export const routeSchema = z
  .object({
    name: routeName,
    match: z
      .object({
        path: z.string().regex(/^\/[A-Za-z0-9._~!$&'()+,;=:@/*-]*$/, 'expected a path pattern such as /api/:id/*'),
        methods: z.array(z.enum(METHODS)).min(1).optional(),
        host: z.string().min(1).optional(),
      })
      .strict(),
    upstream: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
    stripPrefix: z.string().startsWith('/').optional(),
    auth: z.enum(['required', 'none']).default('required'),
    app: routeApp.optional(),
    scopes: z.array(scopeName).default([]),
    anyScopes: z.array(scopeName).default([]),
    kinds: z.array(z.enum(TOKEN_KINDS)).min(1).default(['api', 'access']),
    mode: z.enum(['enforce', 'audit']).default('enforce'),
    timeout: duration.default(30_000),
    forwardAuthorization: z.boolean().default(false),
    preserveHost: z.boolean().default(false),
    websocket: z.boolean().default(false),
    rateLimit: z.object({ perToken: rate, perClient: rate, perIp: rate }).partial().strict().optional(),
    cors: corsSchema.optional(),
  })
  .strict()
  .superRefine((route, ctx) => {
    if (route.auth === 'required' && route.app === undefined) {
      ctx.addIssue({ code: 'custom', path: ['app'], message: 'required when auth is not "none": every token is bound to one app' });
    }
    if (route.app && typeof route.app === 'object' && 'param' in route.app && !route.match.path.includes(`:${route.app.param}`)) {
      ctx.addIssue({ code: 'custom', path: ['app', 'param'], message: `path pattern has no :${route.app.param}` });
    }
    if (route.auth === 'none' && (route.rateLimit?.perToken || route.rateLimit?.perClient)) {
      ctx.addIssue({ code: 'custom', path: ['rateLimit'], message: 'only perIp applies to a route with auth "none"' });
    }
  });

const sentinel = z.object({ host: z.string().min(1), port }).strict();

export const configSchema = z
  .object({
    listen: z
      .object({
        host: z.string().default('0.0.0.0'),
        port: port.default(8080),
        /** Admin API and console; the same number as `port` serves them on one listener. */
        adminPort: port.optional(),
        metricsPort: port.default(9464),
        /** Worker processes behind the same listeners (node:cluster); `auto`: one per CPU the process may use. */
        workers: z.union([z.number().int().min(1).max(256), z.literal('auto')]).default(1),
        /** IPs or CIDRs (or proxy-addr's names loopback, linklocal, uniquelocal) whose X-Forwarded-* are believed. */
        trustedProxies: z.array(z.string().refine(isAddressOrRange, 'expected an IP address or CIDR range such as 10.0.0.0/8')).default([]),
        /** PEM files; when set the main and admin listeners speak HTTPS only, re-reading both on SIGHUP. */
        tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict().optional(),
        limits: z
          .object({
            headersTimeout: duration.default(20_000),
            requestTimeout: duration.default(120_000),
            keepAliveTimeout: duration.default(65_000),
            maxHeaderSize: z.number().int().min(1024).max(65536).default(16384),
            maxConnections: z.number().int().min(1).default(10_000),
            /** More header fields than this is a 431: every header decision must see the whole list. */
            maxHeaders: z.number().int().min(16).max(1000).default(100),
          })
          .strict()
          .default({ headersTimeout: 20_000, requestTimeout: 120_000, keepAliveTimeout: 65_000, maxHeaderSize: 16384, maxConnections: 10_000, maxHeaders: 100 }),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        driver: z.enum(['memory', 'redis']).optional(),
        url: z.string().regex(/^rediss?:\/\//, 'expected redis:// or rediss:// URL').optional(),
        keyPrefix: z.string().max(64).default('tg:'),
        /**
         * How token records (and, from v3, an app's indexes) are written; every layout is read. The release
         * before this one reads v1 and v2, so v3 waits until no replica of it is left. Records of an older
         * layout are rewritten at start into v2 or v3.
         */
        recordLayout: z.enum(['v1', 'v2', 'v3']).default('v2'),
        timeout: duration.default(250),
        redis: z
          .object({
            cluster: z.array(sentinel).min(1).optional(),
            sentinels: z.array(sentinel).min(1).optional(),
            name: z.string().optional(),
            password: z.string().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    tokens: z
      .object({
        ttl: duration.default(30 * 86_400_000),
        installTtl: duration.default(365 * 86_400_000),
        touchInterval: duration.default(60_000),
        maxLifetime: duration.optional(),
      })
      .strict()
      .prefault({}),
    revocation: z.object({ maxStaleness: duration.default(1_000) }).strict().prefault({}),
    clock: z.object({ skew: duration.default(30_000) }).strict().prefault({}),
    issuer: z.url().default('http://localhost:8080'),
    compat: z
      .object({
        hypr: z.boolean().default(false),
        hypersign: z.boolean().default(false),
        legacyAssertionAudience: z.boolean().default(false),
        /** HYPR's JWTCreator assertions, accepted on the HYPR exchange path only (beside the standard claims). */
        hyprAssertion: z
          .object({
            issuers: z.array(z.string().min(1)).default(['https://hypr.com']),
            audiences: z.array(z.string().min(1)).default(['https://hypr.com']),
            /** The assertion lifetime there of a client that sets none (JWTCreator's default). */
            maxLifetime: duration.default(3_600_000).refine((ms) => ms >= 1_000 && ms <= 86_400_000, 'must be between 1s and 24h'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** The token service's own limits: per client and per source address, shared through Redis. */
    tokenEndpoint: z
      .object({
        rateLimit: z
          .object({ perClient: z.union([rate, z.literal(false)]).default('60/m'), perIp: z.union([rate, z.literal(false)]).default('600/m') })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Fetching clients' `jwks_uri`: https only, never private addresses unless a test allows them. */
    jwks: z
      .object({
        timeout: duration.default(2_000),
        maxBytes: z.number().int().min(1024).max(1_048_576).default(65_536),
        cacheTtl: duration.default(300_000),
        allowPrivateAddresses: z.boolean().default(false),
        /** PEM file of extra CAs trusted for jwks_uri servers. */
        caFile: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), pretty: z.boolean().default(false), access: z.boolean().default(true) })
      .strict()
      .prefault({}),
    /** How many replicas share the limits: each enforces limit / replicas while Redis cannot count. */
    rateLimit: z.object({ replicas: z.number().int().min(1).default(1) }).strict().prefault({}),
    shutdown: z.object({ grace: duration.default(10_000), drainDelay: duration.default(2_000) }).strict().prefault({}),
    /** The decision endpoint for ingresses that forward themselves (nginx auth_request, Traefik, Caddy, Envoy ext_authz). */
    forwardAuth: z
      .object({
        /** Which ingress asks: it decides which headers describe the original request (edge/original-request.ts). */
        ingress: z.enum(['nginx', 'traefik', 'caddy', 'envoy'], { error: 'expected the ingress that asks: nginx, traefik, caddy or envoy' }),
        path: z.string().regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'expected a path such as /auth/verify').default('/auth/verify'),
        /** Its own listener; without it the endpoint is served on the main listener. */
        port: port.optional(),
      })
      .strict()
      .optional(),
    routes: z.array(routeSchema).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.routes.forEach((route, i) => {
      if (seen.has(route.name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'name'], message: `duplicate route name "${route.name}"` });
      seen.add(route.name);
    });
    if (config.forwardAuth && config.listen.trustedProxies.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['forwardAuth'], message: 'needs listen.trustedProxies: only a trusted ingress may ask for a decision' });
    }
    const redis = config.store.redis;
    const memoryStore = (config.store.driver ?? (config.store.url || redis?.cluster || redis?.sentinels ? 'redis' : 'memory')) === 'memory';
    if (memoryStore && config.listen.workers !== 1) {
      ctx.addIssue({ code: 'custom', path: ['listen', 'workers'], message: 'needs store driver redis: the memory store lives inside one process, so several workers cannot share its tokens (use 1)' });
    }
    if (redis?.sentinels && !redis.name) ctx.addIssue({ code: 'custom', path: ['store', 'redis', 'name'], message: 'required with sentinels' });
    if (redis?.sentinels && redis.cluster) ctx.addIssue({ code: 'custom', path: ['store', 'redis'], message: 'choose cluster or sentinels, not both' });
    if (config.store.driver === 'redis' && !config.store.url && !redis?.cluster && !redis?.sentinels) {
      ctx.addIssue({ code: 'custom', path: ['store', 'url'], message: 'required for driver redis (or store.redis.cluster / sentinels)' });
    }
    // Sliding expiry writes a use at most ttl/4 apart and needs it landed within the next ttl/4
    // (tokens/touch-schedule.ts); 60 s is the shortest ttl the admin API gives a token.
    if (config.tokens.ttl < MIN_TOKEN_TTL) ctx.addIssue({ code: 'custom', path: ['tokens', 'ttl'], message: 'must be at least 60s' });
    if (config.store.timeout * 4 >= MIN_TOKEN_TTL) {
      ctx.addIssue({ code: 'custom', path: ['store', 'timeout'], message: 'must be under 15s, so a token used once per ttl/2 is slid before it expires' });
    }
  });

/** The shortest lifetime of any token, ms (HYPR's minimum). */
export const MIN_TOKEN_TTL = 60_000;

export type Config = z.output<typeof configSchema>;
export type RouteConfig = z.output<typeof routeSchema>;
/** The store section with its driver resolved. */
export type StoreConfig = Config['store'] & { driver: 'memory' | 'redis' };
