import { createLocalRevocationEvents } from '../../src/store/revocation-events.js';
import { describeRevocationEventsContract } from './revocation-events.contract.js';

describeRevocationEventsContract('memory', async () => {
  const events = createLocalRevocationEvents();
  return { publisher: events, subscriber: events, cleanup: () => events.close() };
});
