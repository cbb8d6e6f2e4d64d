import { parseConfig } from '../../src/config/load.js';
import { createBackend } from '../../src/store/backend.js';
import { systemClock } from '../../src/types.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { describeClientStoreContract } from './client-store.contract.js';

describeClientStoreContract('redis', async () => {
  const prefix = uniquePrefix('clients');
  const backend = createBackend(parseConfig({ store: { url: REDIS_URL, keyPrefix: prefix } }), systemClock);
  await backend.tokens.ready(5_000);
  return {
    store: backend.clients,
    cleanup: async () => {
      await backend.close();
      await cleanupPrefix(prefix);
    },
  };
});
