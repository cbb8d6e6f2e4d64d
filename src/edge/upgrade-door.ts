/**
 * The upgrade door: Node hands upgrades to the server's `upgrade` event, past the request handler, with a
 * raw socket instead of a response. They run the same pipeline; only the answer is written differently.
 * Routes opt in with `websocket: true`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorFields } from '../errors.js';
import { writeErrorToSocket } from '../http/error-response.js';
import { EdgeContext } from './context.js';
import type { EdgeObserver } from './observe.js';
import { runPipeline, type Decision, type Pipeline } from './pipeline.js';
import { REFUSALS } from './refusals.js';
import { openTunnel } from './tunnel.js';
import { pickRequestId } from './upstream-headers.js';

export interface UpgradeDoorDeps {
  pipeline: Pipeline;
  observer: EdgeObserver;
  trust(address: string | undefined): boolean;
}

/** What an upgrade is answered on: the raw socket, and the bytes that came after its head. */
interface Raw {
  socket: Duplex;
  head: Buffer;
}

export function createUpgradeDoor(deps: UpgradeDoorDeps) {
  /** Live tunnels: the HTTP server stops tracking a socket once it is upgraded, so shutdown needs this. */
  const open = new Set<Duplex>();

  function refuse(ctx: EdgeContext, socket: Duplex, error: ErrorFields): void {
    writeErrorToSocket(socket, error, ctx.requestId);
    deps.observer.finished(ctx, error.status, false);
  }

  function answer(ctx: EdgeContext, { socket, head }: Raw, decision: Decision): void {
    if (decision.kind === 'refuse') return refuse(ctx, socket, decision.error);
    openTunnel(ctx, socket, head, deps.trust(ctx.req.socket.remoteAddress), open, {
      answered: (status) => deps.observer.finished(ctx, status, false),
      refused: (error) => refuse(ctx, socket, error),
    });
  }

  function fail(ctx: EdgeContext, { socket }: Raw, err: unknown): void {
    deps.observer.failed(ctx, err);
    refuse(ctx, socket, REFUSALS.internal);
  }

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      const ctx = new EdgeContext(req, 'upgrade', pickRequestId(req.headers['x-request-id'], randomUUID));
      socket.on('error', () => socket.destroy());
      runPipeline(deps.pipeline, ctx, { socket, head }, answer, fail);
    },
    /** Ends every open tunnel (shutdown, after the grace period). */
    closeAll(): void {
      for (const socket of open) socket.destroy();
    },
  };
}
