import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VoiceTlsError } from '../errors';

const run = promisify(execFile);

/** A PEM certificate and key for the voice gateway, and where the certificate lies on disk. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Path of the certificate file: give it to clients as NODE_EXTRA_CA_CERTS when it is self-signed. */
  readonly certPath: string;
  readonly keyPath: string;
  /** True when this process generated it. */
  readonly selfSigned: boolean;
}

/** The subjectAltName entries of a self-signed certificate for `host`: always 127.0.0.1 and localhost, plus the host. */
export function subjectAltNames(host: string): string {
  const names = new Set(['IP:127.0.0.1', 'DNS:localhost']);
  if (host !== '' && host !== '0.0.0.0' && host !== '::') names.add(isIP(host) ? `IP:${host}` : `DNS:${host}`);
  return [...names].join(',');
}

/**
 * Generates a self-signed P-256 certificate for `host` with the openssl CLI
 * into `directory` (a fresh temp dir when not given), valid 30 days.
 */
export async function generateSelfSignedCert(host: string, directory?: string): Promise<TlsMaterial> {
  const dir = directory ?? (await mkdtemp(join(tmpdir(), 'chat-voice-tls-')));
  const certPath = join(dir, 'voice-cert.pem');
  const keyPath = join(dir, 'voice-key.pem');
  const commonName = host === '' || host === '0.0.0.0' || host === '::' ? 'localhost' : host.replace(/[^A-Za-z0-9.:_-]/g, '');
  const args = [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30',
    '-subj', `/CN=${commonName}`, '-addext', `subjectAltName=${subjectAltNames(host)}`,
    '-keyout', keyPath, '-out', certPath,
  ];
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (error) {
    throw new VoiceTlsError(`openssl could not generate a certificate for ${commonName} (set CHAT_VOICE_TLS_CERT and CHAT_VOICE_TLS_KEY)`, certPath, { cause: error });
  }
  return { ...(await readPair(certPath, keyPath)), selfSigned: true };
}

/** Reads a configured certificate and key, or generates a self-signed pair when both paths are empty. */
export async function loadOrCreateCert(options: { certPath: string; keyPath: string; host: string }): Promise<TlsMaterial> {
  if (options.certPath === '' && options.keyPath === '') return generateSelfSignedCert(options.host);
  if (options.certPath === '' || options.keyPath === '') {
    throw new VoiceTlsError('CHAT_VOICE_TLS_CERT and CHAT_VOICE_TLS_KEY must be set together', options.certPath || options.keyPath);
  }
  return { ...(await readPair(options.certPath, options.keyPath)), selfSigned: false };
}

async function readPair(certPath: string, keyPath: string): Promise<Omit<TlsMaterial, 'selfSigned'>> {
  try {
    const [cert, key] = await Promise.all([readFile(certPath), readFile(keyPath)]);
    return { cert, key, certPath, keyPath };
  } catch (error) {
    throw new VoiceTlsError(`cannot read the voice TLS certificate or key`, certPath, { cause: error });
  }
}
