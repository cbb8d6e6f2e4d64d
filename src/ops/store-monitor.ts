/** Keeps `tollgate_store_up` current with a light periodic ping, and finishes setup when the store returns. */
import type { TokenStore } from '../store/token-store.js';

export interface StoreMonitor {
  /** Records what a request or probe just learned about the store. */
  report(up: boolean): void;
  stop(): void;
}

export interface StoreMonitorDeps {
  store: TokenStore;
  intervalMs: number;
  /** Called on every observation (the gauge is idempotent). */
  onState(up: boolean): void;
  /** Runs after a successful ping until it succeeds once (e.g. setup skipped while Redis was down at start). */
  whenUp?: () => Promise<void>;
}

export function createStoreMonitor(deps: StoreMonitorDeps): StoreMonitor {
  let pendingSetup = deps.whenUp;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function tick(): Promise<void> {
    let up = true;
    try {
      await deps.store.ping();
    } catch {
      up = false;
    }
    if (stopped) return;
    deps.onState(up);
    if (up && pendingSetup) {
      const setup = pendingSetup;
      pendingSetup = undefined;
      await setup().catch(() => {
        pendingSetup = setup;
      });
    }
    if (!stopped) schedule();
  }

  function schedule(): void {
    // A ping in flight is never overlapped by the next one: a blackholed store takes store.timeout to fail.
    timer = setTimeout(() => void tick(), deps.intervalMs);
    timer.unref();
  }

  schedule();
  return {
    report: (up) => {
      if (!stopped) deps.onState(up);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
