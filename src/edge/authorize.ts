/** The authorization decision for one route: token kind, app binding, scopes. */
import { REPEATED, singleHeader } from '../http/raw-headers.js';
import type { Principal } from '../types.js';
import type { CompiledRoute } from './routes.js';

export type AuthorizeDenial =
  | { reason: 'wrong_kind' | 'wrong_app' }
  | { reason: 'insufficient_scope'; required: string }
  | { reason: 'malformed' };

const WRONG_KIND: AuthorizeDenial = { reason: 'wrong_kind' };
const WRONG_APP: AuthorizeDenial = { reason: 'wrong_app' };
/** The header that names the app appears more than once. */
const REPEATED_APP: AuthorizeDenial = { reason: 'malformed' };

/**
 * The app a request must be bound to: fixed, from a path parameter, or from a header read from the raw
 * list (exactly what is forwarded); REPEATED when that header appears more than once.
 */
export function requiredApp(route: CompiledRoute, params: Record<string, string>, rawHeaders: readonly string[]): string | typeof REPEATED | undefined {
  const app = route.config.app;
  if (typeof app === 'string') return app;
  if (!app) return undefined;
  if ('param' in app) return params[app.param];
  return singleHeader(rawHeaders, route.appHeader!);
}

/** True when `granted` holds every scope of `required` (all-of). */
export function hasAllScopes(granted: readonly string[], required: readonly string[]): boolean {
  for (const scope of required) if (!granted.includes(scope)) return false;
  return true;
}

/** True when `granted` holds at least one of `anyOf`, or `anyOf` is empty. */
export function hasAnyScope(granted: readonly string[], anyOf: readonly string[]): boolean {
  if (anyOf.length === 0) return true;
  for (const scope of anyOf) if (granted.includes(scope)) return true;
  return false;
}

/** null when the principal may use the route; otherwise why not. */
export function authorize(route: CompiledRoute, principal: Principal, params: Record<string, string>, rawHeaders: readonly string[]): AuthorizeDenial | null {
  const config = route.config;
  if (!config.kinds.includes(principal.kind)) return WRONG_KIND;
  const app = requiredApp(route, params, rawHeaders);
  if (app === REPEATED) return REPEATED_APP;
  if (app !== principal.app) return WRONG_APP;
  if (!hasAllScopes(principal.scopes, config.scopes)) return { reason: 'insufficient_scope', required: config.scopes.join(' ') };
  if (!hasAnyScope(principal.scopes, config.anyScopes)) return { reason: 'insufficient_scope', required: config.anyScopes.join(' ') };
  return null;
}
