/**
 * The forward-auth door: an ingress (nginx `auth_request`, Traefik ForwardAuth, Caddy `forward_auth`, Envoy
 * `ext_authz`) asks whether a request may pass, and forwards it itself. The same pipeline decides; the answer is
 * 200 with the identity headers for the ingress to copy upstream, or the edge's own refusal. No body is read.
 * Only a trusted ingress (`listen.trustedProxies`) may describe a request, so a client cannot ask about a path of
 * its choosing.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorFields } from '../errors.js';
import { sendError } from '../http/error-response.js';
import { EdgeContext } from './context.js';
import type { EdgeObserver } from './observe.js';
import { originalRequest, type Ingress } from './original-request.js';
import { runPipeline, type Decision, type Pipeline } from './pipeline.js';
import { REFUSALS } from './refusals.js';
import { identityHeaders, pickRequestId } from './upstream-headers.js';

export interface DecisionDoorDeps {
  pipeline: Pipeline;
  observer: EdgeObserver;
  trust(address: string | undefined): boolean;
  /** Where the endpoint is mounted, e.g. `/auth/verify`; Envoy appends the original path to it. */
  prefix: string;
  ingress: Ingress;
}

const UNTRUSTED = errorFields('ERR_TG_ACCESS_DENIED', { description: 'forward-auth decisions are answered only for trusted ingress addresses' });
const NO_ORIGINAL = errorFields('ERR_TG_INVALID_REQUEST', { description: 'the original request cannot be read from the forward-auth headers' });
const IDENTITY = ['x-auth-app', 'x-auth-subject', 'x-auth-scopes', 'x-auth-token-id', 'x-auth-client-id'];

/**
 * Envoy copies only the headers an answer carries, so a client's own X-Auth-* would reach the upstream: name
 * every one it sent, and every identity header this answer lacks, for Envoy to remove.
 */
function envoyRemovals(req: IncomingMessage, given: readonly string[]): string {
  const names = new Set(IDENTITY);
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (lower.startsWith('x-auth-') || lower.startsWith('x_auth_')) names.add(lower);
  }
  for (let i = 0; i < given.length; i += 2) names.delete(given[i]!);
  return [...names].join(', ');
}

function allow(ctx: EdgeContext, res: ServerResponse, ingress: Ingress): void {
  const headers: string[] = [];
  identityHeaders(ctx, headers);
  if (ingress === 'envoy') res.setHeader('x-envoy-auth-headers-to-remove', envoyRemovals(ctx.req, headers));
  res.statusCode = 200;
  for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
  res.setHeader('x-request-id', ctx.requestId);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', 0);
  res.end();
}

export function createDecisionDoor(deps: DecisionDoorDeps) {
  const { pipeline, observer } = deps;

  function answer(ctx: EdgeContext, res: ServerResponse, decision: Decision): void {
    if (decision.kind === 'refuse') sendError(res, decision.error, ctx.requestId);
    else allow(ctx, res, deps.ingress);
  }

  function fail(ctx: EdgeContext, res: ServerResponse, err: unknown): void {
    observer.failed(ctx, err);
    sendError(res, REFUSALS.internal, ctx.requestId);
  }

  return function handleDecision(req: IncomingMessage, res: ServerResponse): void {
    const ctx = new EdgeContext(req, 'forward-auth', pickRequestId(req.headers['x-request-id'], randomUUID));
    res.once('close', () => observer.finished(ctx, res.statusCode, !res.writableFinished));
    if (!deps.trust(req.socket.remoteAddress)) return sendError(res, UNTRUSTED, ctx.requestId);
    const original = originalRequest(req, deps.prefix, deps.ingress);
    if (!original) return sendError(res, NO_ORIGINAL, ctx.requestId);
    ctx.method = original.method;
    ctx.target = original.target;
    ctx.hostHeader = original.host;
    runPipeline(pipeline, ctx, res, answer, fail);
  };
}
