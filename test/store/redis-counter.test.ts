import { parseConfig } from '../../src/config/load.js';
import { createBackend } from '../../src/store/backend.js';
import { systemClock } from '../../src/types.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { waitUntil } from '../helpers/redis-server.js';
import { describeCounterContract } from './counter.contract.js';

describeCounterContract('redis', true, async () => {
  const prefix = uniquePrefix('counter');
  const backend = createBackend(parseConfig({ store: { url: REDIS_URL, keyPrefix: prefix } }), systemClock);
  // The counter has its own connection: wait until it counts.
  await waitUntil('the counting connection is up', () => backend.counter.increment('{warmup}', 1_000).then(() => true, () => false));
  return {
    counter: backend.counter,
    cleanup: async () => {
      await backend.close();
      await cleanupPrefix(prefix);
    },
  };
});
