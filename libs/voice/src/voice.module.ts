import { grpcServiceModule } from '@chat/modules';
import { voiceV1 } from '@chat/proto';
import { notImplementedHandlers } from '@chat/rpc';

/**
 * The voice service module: voice server allocation, the voice gateway and the SFU.
 * Today it serves its contract (VoiceService) with health and reflection; every
 * method answers UNIMPLEMENTED until issue #6 fills it in.
 */
export const voiceModule = grpcServiceModule({
  name: 'voice',
  definition: voiceV1.VoiceServiceService,
  configSchema: {},
  handlers: () => notImplementedHandlers(voiceV1.VoiceServiceService, 'issue #6'),
});
