import { parseConfig } from '../../src/config/load.js';
import { createClientStore } from '../../src/store/create-client-store.js';
import { createStore } from '../../src/store/create-store.js';
import { systemClock } from '../../src/types.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { describeClientStoreContract } from './client-store.contract.js';

describeClientStoreContract('redis', async () => {
  const prefix = uniquePrefix('clients');
  const tokens = createStore(parseConfig({ store: { url: REDIS_URL, keyPrefix: prefix } }), systemClock);
  await tokens.ready(5_000);
  return {
    store: createClientStore(tokens, systemClock),
    cleanup: async () => {
      await tokens.close();
      await cleanupPrefix(prefix);
    },
  };
});
