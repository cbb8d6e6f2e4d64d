import { parseConfig } from '../../src/config/load.js';
import { createStore } from '../../src/store/create-store.js';
import { systemClock } from '../../src/types.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { describeStoreContract, withoutDigest } from './contract.js';

describeStoreContract('redis', async () => {
  const prefix = uniquePrefix('contract');
  const store = createStore(parseConfig({ store: { url: REDIS_URL, keyPrefix: prefix } }), systemClock);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await cleanupPrefix(prefix);
    },
  };
});

describeStoreContract('redis, layout v3', async () => {
  const prefix = uniquePrefix('contract-v3');
  const store = createStore(parseConfig({ store: { url: REDIS_URL, keyPrefix: prefix, recordLayout: 'v3' } }), systemClock);
  return {
    store,
    readBack: withoutDigest,
    cleanup: async () => {
      await store.close();
      await cleanupPrefix(prefix);
    },
  };
});
