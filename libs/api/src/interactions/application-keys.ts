/**
 * An application's Ed25519 key pair (its public key is the `verify_key`
 * bots check interaction signatures with) and its interactions endpoint URL,
 * kept as records. The pair is made on first use and never changes.
 */
import type { RecordStore } from '@chat/store';
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** Ed25519's SPKI DER is a fixed 12-byte header and the 32-byte key. */
const SPKI_HEADER_BYTES = 12;

interface StoredKeys {
  publicKeyHex: string;
  privateKeyPkcs8: string;
}

/** Typed access to the key and endpoint records of applications. */
export class ApplicationKeys {
  constructor(private readonly records: RecordStore) {}

  /** The application's public key, hex (Discord's verify_key), made on first use. */
  async publicKeyHex(applicationId: string): Promise<string> {
    return (await this.keys(applicationId)).publicKeyHex;
  }

  /** Signs `timestamp + body` as Discord does; the hex signature for X-Signature-Ed25519. */
  async sign(applicationId: string, timestamp: string, body: string): Promise<string> {
    const keys = await this.keys(applicationId);
    const privateKey: KeyObject = createPrivateKey({ key: Buffer.from(keys.privateKeyPkcs8, 'base64'), format: 'der', type: 'pkcs8' });
    return sign(null, Buffer.from(timestamp + body, 'utf8'), privateKey).toString('hex');
  }

  /** The interactions endpoint URL, or null when interactions go over the gateway. */
  async endpoint(applicationId: string): Promise<string | null> {
    return (await this.records.get('app_settings', applicationId, 'interactions_endpoint_url')) ?? null;
  }

  /** Sets (or with null clears) the interactions endpoint URL. */
  async setEndpoint(applicationId: string, url: string | null): Promise<void> {
    if (url === null) await this.records.delete('app_settings', applicationId, 'interactions_endpoint_url');
    else await this.records.put('app_settings', applicationId, 'interactions_endpoint_url', url);
  }

  private async keys(applicationId: string): Promise<StoredKeys> {
    const stored = await this.records.get('app_keys', applicationId, 'ed25519');
    if (stored !== undefined) return JSON.parse(stored) as StoredKeys;
    const pair = generateKeyPairSync('ed25519');
    const fresh: StoredKeys = {
      publicKeyHex: pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_HEADER_BYTES).toString('hex'),
      privateKeyPkcs8: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    };
    // Two first uses at once: the first pair written wins and both answer with it.
    await this.records.insertIfAbsent('app_keys', applicationId, 'ed25519', JSON.stringify(fresh));
    return JSON.parse((await this.records.get('app_keys', applicationId, 'ed25519')) ?? JSON.stringify(fresh)) as StoredKeys;
  }
}
