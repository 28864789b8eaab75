/** Settings of the voice module. */
import { intSetting, listSetting, portSetting, stringSetting, type Setting } from '@chat/config';
import type { EncryptionMode } from './media';

/** Every transport encryption mode the media layer implements, in preference order. */
export const ALL_ENCRYPTION_MODES: readonly EncryptionMode[] = ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'];

/** A comma list of encryption modes; each must be one the media layer implements, at least one, no repeats. */
function modesSetting(key: string, options: { default: readonly EncryptionMode[]; description: string }): Setting<readonly EncryptionMode[]> {
  return {
    key,
    description: options.description,
    unit: '',
    defaultValue: options.default,
    parse(raw) {
      const items = (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((item) => item.trim()).filter((item) => item !== '');
      if (items.length === 0) throw new Error('needs at least one mode');
      const modes: EncryptionMode[] = [];
      for (const item of items) {
        if (!(ALL_ENCRYPTION_MODES as readonly string[]).includes(item)) throw new Error(`unknown mode ${JSON.stringify(item)} (known: ${ALL_ENCRYPTION_MODES.join(', ')})`);
        if (modes.includes(item as EncryptionMode)) throw new Error(`mode ${item} listed twice`);
        modes.push(item as EncryptionMode);
      }
      return modes;
    },
  };
}

/** The voice module's configuration schema. */
export const voiceConfigSchema = {
  nodeId: stringSetting('CHAT_VOICE_NODE_ID', {
    default: 'voice-0',
    description: "this voice node's id on the voice ring (AllocateServer's voice_node_id; the id guild nodes list in CHAT_GUILD_VOICE_NODES)",
    pattern: /^[A-Za-z0-9._-]+$/,
  }),
  host: stringSetting('CHAT_VOICE_HOST', { default: '127.0.0.1', description: 'address the voice gateway (WSS) and the media UDP socket bind to' }),
  publicHost: stringSetting('CHAT_VOICE_PUBLIC_HOST', {
    default: '',
    description: 'host or IP clients reach this node on: the voice endpoint host and the IP in voice READY; empty: CHAT_VOICE_HOST',
  }),
  wsPort: portSetting('CHAT_VOICE_WS_PORT', { default: 8443, description: 'TCP port of the voice gateway (WSS); 0 picks a free one' }),
  udpPort: portSetting('CHAT_VOICE_UDP_PORT', { default: 50000, description: 'UDP port of the media socket (RTP); 0 picks a free one' }),
  tlsCert: stringSetting('CHAT_VOICE_TLS_CERT', {
    default: '',
    description: 'PEM certificate file of the voice gateway; empty: a self-signed one is generated at start-up (its path is logged)',
  }),
  tlsKey: stringSetting('CHAT_VOICE_TLS_KEY', { default: '', description: 'PEM private key file matching CHAT_VOICE_TLS_CERT' }),
  tokenTtlMs: intSetting('CHAT_VOICE_TOKEN_TTL_MS', {
    default: 60_000,
    min: 1000,
    max: 3_600_000,
    unit: 'ms',
    description: 'how long an AllocateServer token may wait for the voice IDENTIFY that consumes it',
  }),
  webrtcIceHosts: listSetting('CHAT_VOICE_WEBRTC_ICE_HOSTS', {
    default: [],
    description: 'extra ICE host candidate addresses for browsers on wss://<endpoint>/webrtc, comma list (the public IP behind 1:1 NAT; 127.0.0.1 for same-host tests); interface addresses are always offered',
  }),
  modes: modesSetting('CHAT_VOICE_MODES', {
    default: ALL_ENCRYPTION_MODES,
    description: `transport encryption modes offered in voice READY, comma list in preference order (${ALL_ENCRYPTION_MODES.join(', ')})`,
  }),
};
