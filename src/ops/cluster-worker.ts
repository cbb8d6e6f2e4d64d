/** A cluster worker's side of `listen.workers`: answers the primary's metrics and readiness queries, takes its signals. */
import { AggregatorRegistry, type Registry } from 'prom-client';
import { type ClusterMessage, MESSAGE } from './cluster-messages.js';

/** What a worker reports to the primary: its metrics, its store's health, where it listens. */
export interface WorkerGateway {
  metrics: { registry: Registry };
  store: { ping(): Promise<void> };
  urls: { main: string; admin: string };
}

export interface WorkerHooks {
  onSignal(signal: 'SIGHUP' | 'SIGTERM' | 'SIGINT'): void;
  stopping(): boolean;
}

function send(message: ClusterMessage): void {
  process.send?.(message);
}

/**
 * Call before the gateway starts: from then on the worker answers the primary's metrics requests
 * (empty until `serving`), so a scrape during a worker's replacement does not wait for it.
 */
export function joinCluster(): { serving(gateway: WorkerGateway, hooks: WorkerHooks): void } {
  // Constructing it is what subscribes this worker to the primary's metrics requests.
  new AggregatorRegistry();
  return {
    serving(gateway, hooks) {
      AggregatorRegistry.setRegistries([gateway.metrics.registry]);
      process.on('message', (message: ClusterMessage) => {
        if (message.type === MESSAGE.signal) hooks.onSignal(message.signal);
        if (message.type !== MESSAGE.readyQuery) return;
        if (hooks.stopping()) return send({ type: MESSAGE.readyAnswer, id: message.id, ready: false });
        gateway.store.ping().then(
          () => send({ type: MESSAGE.readyAnswer, id: message.id, ready: true }),
          () => send({ type: MESSAGE.readyAnswer, id: message.id, ready: false }),
        );
      });
      send({ type: MESSAGE.listening, urls: { main: gateway.urls.main, admin: gateway.urls.admin } });
    },
  };
}
