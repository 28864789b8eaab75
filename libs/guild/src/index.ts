export { guildModule } from './guild.module';
