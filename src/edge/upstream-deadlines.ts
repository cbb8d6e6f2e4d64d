/**
 * Upstream timeouts without a timer per request: one coarse interval sweeps the exchanges in flight
 * and expires those whose upstream socket has moved no byte for the route's timeout (the same idle
 * rule as `socket.setTimeout`, which costs a timer and listeners on every request).
 */
import type { ClientRequest } from 'node:http';

export interface UpstreamExchange {
  readonly request: ClientRequest;
  readonly timeoutMs: number;
  /** Set once the sweep gave up on the upstream; its `error` then means 504, not 502. */
  timedOut: boolean;
  /** Bytes read plus written on the socket at the last sweep (-1 before it has a socket). */
  seen: number;
  idleSince: number;
}

export interface UpstreamDeadlines {
  track(request: ClientRequest, timeoutMs: number): UpstreamExchange;
  untrack(exchange: UpstreamExchange): void;
  close(): void;
}

const MIN_TICK_MS = 10;
const MAX_TICK_MS = 1_000;

function activity(request: ClientRequest): number {
  const socket = request.socket;
  return socket ? socket.bytesRead + socket.bytesWritten : -1;
}

export function createUpstreamDeadlines(now: () => number = performance.now.bind(performance)): UpstreamDeadlines {
  const inFlight = new Set<UpstreamExchange>();
  let timer: NodeJS.Timeout | null = null;
  let tick = MAX_TICK_MS;

  function sweep(): void {
    const at = now();
    for (const exchange of inFlight) {
      const bytes = activity(exchange.request);
      if (bytes !== exchange.seen) {
        exchange.seen = bytes;
        exchange.idleSince = at;
      } else if (at - exchange.idleSince >= exchange.timeoutMs) {
        inFlight.delete(exchange);
        exchange.timedOut = true;
        exchange.request.destroy();
      }
    }
  }

  /** Activity is noticed a tick late at most, so a tick of an eighth of the shortest timeout makes it bite at most ~25% late. */
  function schedule(timeoutMs: number): void {
    const wanted = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.floor(timeoutMs / 8)));
    if (timer && wanted >= tick) return;
    if (timer) clearInterval(timer);
    tick = wanted;
    timer = setInterval(sweep, tick).unref();
  }

  return {
    track(request, timeoutMs) {
      if (!timer || timeoutMs < tick * 8) schedule(timeoutMs);
      const exchange: UpstreamExchange = { request, timeoutMs, timedOut: false, seen: -1, idleSince: now() };
      inFlight.add(exchange);
      return exchange;
    },
    untrack(exchange) {
      inFlight.delete(exchange);
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
      inFlight.clear();
    },
  };
}
