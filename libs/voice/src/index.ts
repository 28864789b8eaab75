export { voiceModule } from './voice.module';
