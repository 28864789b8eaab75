import { openStore } from '@chat/store';
import { describeOutboxRecovery } from './outbox-recovery.scenarios';

describeOutboxRecovery('sqlite (in memory)', async () => {
  const store = await openStore({ backend: 'sqlite', path: ':memory:' });
  return { store, channelId: '1200000000000000011', guildId: '1200000000000000010', dispose: () => store.close() };
});
