/** The authorization decision for one route: token kind, app binding, scopes. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../types.js';
import type { CompiledRoute } from './routes.js';

export type AuthorizeDenial =
  | { reason: 'wrong_kind' | 'wrong_app' }
  | { reason: 'insufficient_scope'; required: string };

/** The app a request must be bound to: fixed, from a path parameter, or from a header. */
export function requiredApp(route: CompiledRoute, params: Record<string, string>, headers: IncomingHttpHeaders): string | undefined {
  const app = route.config.app;
  if (typeof app === 'string') return app;
  if (!app) return undefined;
  if ('param' in app) return params[app.param];
  const value = headers[app.header.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
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
export function authorize(
  route: CompiledRoute,
  principal: Principal,
  params: Record<string, string>,
  headers: IncomingHttpHeaders,
): AuthorizeDenial | null {
  const config = route.config;
  if (!config.kinds.includes(principal.kind)) return { reason: 'wrong_kind' };
  if (requiredApp(route, params, headers) !== principal.app) return { reason: 'wrong_app' };
  if (!hasAllScopes(principal.scopes, config.scopes)) return { reason: 'insufficient_scope', required: config.scopes.join(' ') };
  if (!hasAnyScope(principal.scopes, config.anyScopes)) return { reason: 'insufficient_scope', required: config.anyScopes.join(' ') };
  return null;
}
