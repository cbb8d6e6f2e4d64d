import { MemoryClientStore } from '../../src/store/memory-client-store.js';
import { describeClientStoreContract } from './client-store.contract.js';

describeClientStoreContract('memory', async () => ({ store: new MemoryClientStore(), cleanup: async () => {} }));
