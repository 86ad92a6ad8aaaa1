import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

/** An RSA key pair. */
export interface RsaKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A 2048-bit RSA key pair, generated off the main thread, as ZITADEL uses for every key. */
export async function generateRsaKeyPair(): Promise<RsaKeyPair> {
  const { privateKey, publicKey } = await generate('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey };
}

/** The PKCS#1 PEM that ZITADEL puts in key files (`-----BEGIN RSA PRIVATE KEY-----`). */
export function pkcs1Pem(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}
