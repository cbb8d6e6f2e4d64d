/** The route table: compiled once at load, matched in order against the canonical path. */
import type { RouteConfig } from '../config/schema.js';
import { compileCors, type Cors } from '../http/cors.js';

export interface CompiledRoute {
  config: RouteConfig;
  name: string;
  /** Case-insensitive, so `/ADMIN/x` is held to the same rule as `/admin/x`. */
  pattern: RegExp;
  params: string[];
  methods: ReadonlySet<string> | null;
  /** Lower case, without a trailing dot, as http/host.ts normalizes the request's. */
  host: string | null;
  /** The lower-cased header that names the app, for `app: { header }` routes. */
  appHeader: string | null;
  upstream: URL;
  /** Upstream base path without its trailing slash ('' for `/`). */
  upstreamBase: string;
  stripPrefix: string | null;
  /** Compiled `cors` block: preflights answered here without a token, allow-origin on every answer. */
  cors: Cors | null;
}

export interface RouteMatch {
  route: CompiledRoute;
  params: Record<string, string>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `;params` after a segment, raw or as `%3B`: servers such as Tomcat drop them, so `/admin;x/y` is `/admin/y`. */
const MATRIX_PARAMS = '(?:(?:;|%3B)[^/]*)?';

/** `/a/:id/*`: `:name` is one segment, a final `*` any rest (including none), a trailing `/` optional. */
export function compilePattern(path: string): { pattern: RegExp; params: string[] } {
  const params: string[] = [];
  const segments = path.split('/').slice(1);
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '*' && last) source += '(?:/.*)?';
    else if (segment === '*') source += '/[^/]+';
    else if (segment.startsWith(':')) {
      params.push(segment.slice(1));
      source += '/([^/]+)';
    } else if (segment === '' && last) source += '';
    else source += `/${escapeRegExp(segment)}${MATRIX_PARAMS}`;
  });
  return { pattern: new RegExp(`^${source}/?$`, 'i'), params };
}

export function compileRoute(config: RouteConfig): CompiledRoute {
  const { pattern, params } = compilePattern(config.match.path);
  const methods = config.match.methods ? new Set<string>(config.match.methods) : null;
  if (methods?.has('GET')) methods.add('HEAD');
  // A CORS preflight is an OPTIONS whatever methods the route serves; without it the route's cors could never answer.
  if (config.cors) methods?.add('OPTIONS');
  const upstream = new URL(config.upstream);
  return {
    config,
    name: config.name,
    pattern,
    params,
    methods,
    host: config.match.host?.toLowerCase().replace(/\.$/, '') ?? null,
    appHeader: config.app && typeof config.app === 'object' && 'header' in config.app ? config.app.header.toLowerCase() : null,
    upstream,
    upstreamBase: upstream.pathname.replace(/\/+$/, ''),
    stripPrefix: config.stripPrefix?.replace(/\/+$/, '') ?? null,
    cors: config.cors ? compileCors(config.cors) : null,
  };
}

export interface RouteTable {
  readonly routes: readonly CompiledRoute[];
  /** `host` is the normalized host name ('' when the request had none). */
  match(method: string, path: string, host: string): RouteMatch | null;
}

export function compileRoutes(configs: readonly RouteConfig[]): RouteTable {
  const routes = configs.map(compileRoute);
  return {
    routes,
    match(method, path, host) {
      for (const route of routes) {
        if (route.methods && !route.methods.has(method)) continue;
        if (route.host !== null && route.host !== host) continue;
        const m = route.pattern.exec(path);
        if (!m) continue;
        const params: Record<string, string> = {};
        for (let i = 0; i < route.params.length; i++) params[route.params[i]!] = m[i + 1]!;
        return { route, params };
      }
      return null;
    },
  };
}

/** The path sent upstream: prefix stripped (case-insensitively, as matched), upstream base prepended. */
export function upstreamPath(route: CompiledRoute, path: string, query: string): string {
  let rest = path;
  const prefix = route.stripPrefix;
  if (prefix && rest.toLowerCase().startsWith(prefix.toLowerCase())) {
    const cut = rest.slice(prefix.length);
    if (cut === '' || cut[0] === '/') rest = cut || '/';
  }
  return route.upstreamBase + rest + query;
}
