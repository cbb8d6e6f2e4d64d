import { parseConfig } from '../../src/config/load.js';
import { createBackend } from '../../src/store/backend.js';
import { systemClock } from '../../src/types.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { describeRevocationEventsContract } from './revocation-events.contract.js';

describeRevocationEventsContract('redis, two replicas', async () => {
  const config = parseConfig({ store: { url: REDIS_URL, keyPrefix: uniquePrefix('events') } });
  const [one, two] = [createBackend(config, systemClock), createBackend(config, systemClock)];
  await one.tokens.ready(5_000);
  return {
    publisher: one.revocations,
    subscriber: two.revocations,
    cleanup: async () => {
      await one.close();
      await two.close();
      await cleanupPrefix(config.store.keyPrefix);
    },
  };
});
