export { readStatesModule } from './read-states.module';
