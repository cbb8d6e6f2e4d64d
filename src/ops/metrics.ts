/** Prometheus metrics (section 7): bounded labels only — route names from config, fixed reasons. Per-request ones are pre-aggregated (fast-metrics). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createFastCounter, createFastHistogram } from './fast-metrics.js';

export type DecisionReason =
  | 'ok' | 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked' | 'wrong_app' | 'wrong_kind'
  | 'insufficient_scope' | 'rate_limited' | 'store_unavailable';

/** Sub-millisecond auth path, millisecond-to-seconds proxying. */
const AUTH_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.25];
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function methodLabel(method: string | undefined): string {
  return method && KNOWN_METHODS.has(method) ? method : 'OTHER';
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges named *_total fail `promtool check metrics`; each is the sum of its per-type twin
  // (nodejs_active_handles{type} and so on), so nothing is lost: sum(nodejs_active_handles).
  for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  const registers = [registry];
  return {
    registry,
    requests: createFastCounter({ name: 'tollgate_requests_total', help: 'Requests answered, by route, method, status and mode (proxy or forward-auth).', labelNames: ['route', 'method', 'status', 'mode'] as const, registers }),
    requestDuration: createFastHistogram({ name: 'tollgate_request_duration_seconds', help: 'Time from request to response end.', labelNames: ['route'] as const, buckets: REQUEST_BUCKETS, registers }),
    upstreamDuration: createFastHistogram({ name: 'tollgate_upstream_duration_seconds', help: 'Time from forwarding to upstream response headers.', labelNames: ['route'] as const, buckets: REQUEST_BUCKETS, registers }),
    authDecisions: createFastCounter({ name: 'tollgate_auth_decisions_total', help: 'Authorization decisions, by route, result, reason and mode (proxy or forward-auth).', labelNames: ['route', 'result', 'reason', 'mode'] as const, registers }),
    authDuration: createFastHistogram({ name: 'tollgate_auth_duration_seconds', help: 'Time spent authenticating and authorizing a request.', labelNames: [], buckets: AUTH_BUCKETS, registers }),
    tokensIssued: new Counter({ name: 'tollgate_tokens_issued_total', help: 'Tokens issued, by app and grant.', labelNames: ['app', 'grant'] as const, registers }),
    tokenEndpointErrors: new Counter({ name: 'tollgate_token_endpoint_errors_total', help: 'Token endpoint errors, by OAuth error.', labelNames: ['error'] as const, registers }),
    // Across cluster workers the store is up only if every worker reaches it (a sum would read 2 for up).
    storeUp: new Gauge({ name: 'tollgate_store_up', help: '1 when the token store answers, 0 when it does not.', aggregator: 'min', registers }),
    storeErrors: new Counter({ name: 'tollgate_store_errors_total', help: 'Store operations that failed, by operation.', labelNames: ['op'] as const, registers }),
    tokenCacheRequests: createFastCounter({ name: 'tollgate_token_cache_requests_total', help: 'Local token cache lookups, by result.', labelNames: ['result'] as const, registers }),
    revocationPropagation: new Histogram({ name: 'tollgate_revocation_propagation_seconds', help: 'Time from a revocation to its local invalidation.', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
