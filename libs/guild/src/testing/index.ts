export { startGuildServer, type TestGuildServer } from './guild-server';
export { seedGuild, memberId, ids as seedIds } from './seed-guild';
export { LargeGuildStore, memberIdOf, channelIdOf } from '../member-worker/testing/large-guild-store';
