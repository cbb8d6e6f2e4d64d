/** How the proxy door speaks CORS for routes with a `cors` block (the protocol itself is http/cors.ts). */
import type { ServerResponse } from 'node:http';
import { responseHeaders } from '../http/cors.js';
import { sendError } from '../http/error-response.js';
import { REFUSALS } from './refusals.js';
import type { EdgeContext } from './context.js';

/** The allow-origin headers for this request's answer, or null when its route has no `cors` or it sent no Origin. */
export function corsHeaders(ctx: EdgeContext): Record<string, string> | null {
  const cors = ctx.route?.cors;
  const origin = ctx.req.headers.origin;
  return cors && origin !== undefined ? responseHeaders(cors, origin) : null;
}

/** 204 with the allowing headers, or 403 with only `Vary` (a browser then refuses the actual request). */
export function answerPreflight(res: ServerResponse, allowed: boolean, headers: Record<string, string>, requestId: string): void {
  if (!allowed) return sendError(res, REFUSALS.corsRefused, requestId, headers);
  res.statusCode = 204;
  for (const name in headers) res.setHeader(name, headers[name]!);
  res.setHeader('x-request-id', requestId);
  res.end();
}
