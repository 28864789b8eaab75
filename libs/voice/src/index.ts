export { voiceModule, VOICE, type VoiceModuleValue } from './voice.module';
export { voiceConfigSchema, ALL_ENCRYPTION_MODES } from './voice.config';
export { startVoiceNode, endpointOf, type VoiceNode, type VoiceNodeOptions } from './gateway/voice-node';
export { generateSelfSignedCert, loadOrCreateCert, type TlsMaterial } from './gateway/tls-cert';
export { VoiceOp, VoiceClose, MAX_PAYLOAD_BYTES } from './gateway/voice-opcodes';
export { voiceHandlers } from './allocation/voice.grpc';
export { VoiceAllocator, REVOKED_CLOSE_CODE, type Allocation, type ParticipantFlags, type ParticipantView } from './allocation/voice-allocator';
export { InvalidVoiceFieldError, ParticipantNotFoundError, VoiceTlsError, VoiceProtocolError } from './errors';
export type { EncryptionMode } from './media';
