import { intSetting } from '@chat/config';
import { SnowflakeGenerator } from '@chat/snowflake';
import { defineModule, moduleKey } from '../module';

/** What modules that issue ids take from the `ids` module: the process's one snowflake generator. */
export const IDS = moduleKey<SnowflakeGenerator>('ids');

const configSchema = {
  workerId: intSetting('CHAT_SNOWFLAKE_WORKER_ID', { default: 0, min: 0, max: 31, unit: 'id', description: 'snowflake worker id of this process (0..31); unique per machine or pod' }),
  processId: intSetting('CHAT_SNOWFLAKE_PROCESS_ID', { default: 0, min: 0, max: 31, unit: 'id', description: 'snowflake process id (0..31); unique per process on that worker' }),
};

/**
 * One snowflake generator per process, shared by every module that issues ids
 * (messages, users, guilds, channels, ...). Two generators with the same
 * worker and process ids in one process would hand out the same id in the
 * same millisecond; one shared generator cannot.
 */
export const idsModule = defineModule({
  name: IDS.name,
  kind: 'infrastructure',
  dependsOn: [],
  configSchema,
  create: (config) => ({
    async start() {
      return new SnowflakeGenerator({ workerId: config.workerId, processId: config.processId });
    },
    async stop() {
      // Nothing to release: the generator holds only counters.
    },
  }),
});
