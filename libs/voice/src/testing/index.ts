/** Test helpers of the voice lib (`@chat/voice/testing`): generated tones and frequency detection. Not for services. */
export { SAMPLE_RATE, FRAME_SAMPLES, toneFrames, monoDecoder, goertzel, estimateTone, type MonoDecoder, type ToneEstimate } from './voice-audio';
