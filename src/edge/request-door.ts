/** The proxy door: an HTTP request runs the pipeline, then is forwarded upstream or answered with the refusal. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeAfterAnswer, isClosing } from '../http/connection-guards.js';
import { sendError } from '../http/error-response.js';
import { EdgeContext } from './context.js';
import type { Forwarder } from './forward.js';
import type { EdgeObserver } from './observe.js';
import { runPipeline, type Decision, type Pipeline } from './pipeline.js';
import { answerPreflight, corsHeaders } from './cors-answers.js';
import { REFUSALS } from './refusals.js';
import { pickRequestId } from './upstream-headers.js';

export interface RequestDoorDeps {
  pipeline: Pipeline;
  forwarder: Forwarder;
  observer: EdgeObserver;
  trust(address: string | undefined): boolean;
}

export function createRequestDoor(deps: RequestDoorDeps) {
  const { pipeline, forwarder, observer } = deps;

  function answer(ctx: EdgeContext, res: ServerResponse, decision: Decision): void {
    // A browser can read the gateway's own refusals too, or it would report a CORS failure instead of the 401.
    const cors = corsHeaders(ctx);
    switch (decision.kind) {
      case 'allow':
        return forwarder.forward(ctx, res, deps.trust(ctx.req.socket.remoteAddress), cors);
      case 'refuse':
        if (decision.error.headers?.connection === 'close') closeAfterAnswer(ctx.req.socket);
        return sendError(res, decision.error, ctx.requestId, cors ?? undefined);
      case 'preflight':
        return answerPreflight(res, decision.allowed, decision.headers, ctx.requestId);
    }
  }

  function fail(ctx: EdgeContext, res: ServerResponse, err: unknown): void {
    observer.failed(ctx, err);
    sendError(res, REFUSALS.internal, ctx.requestId);
  }

  return function handleEdgeRequest(req: IncomingMessage, res: ServerResponse): void {
    // Left unanswered on purpose: the client was told the connection closes, and Node closes it once the refusal is out.
    if (isClosing(req.socket)) return;
    const ctx = new EdgeContext(req, 'proxy', pickRequestId(req.headers['x-request-id'], randomUUID));
    res.once('close', () => {
      const finished = res.writableFinished;
      // The client went away mid-answer: nothing more is wanted from the upstream.
      if (!finished) ctx.abandon?.();
      observer.finished(ctx, res.statusCode, !finished);
    });
    runPipeline(pipeline, ctx, res, answer, fail);
  };
}
