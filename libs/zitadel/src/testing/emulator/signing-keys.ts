import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { exportJWK, type JWK } from 'jose';
import { newId } from './ids.js';

const generate = promisify(generateKeyPair);

/** An RSA key pair with its id. */
export interface RsaKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A 2048-bit RSA key pair, as ZITADEL issues for keys and uses to sign tokens. */
export async function generateRsaKey(kid: string = newId()): Promise<RsaKey> {
  const { privateKey, publicKey } = await generate('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

/** The PKCS#1 PEM ZITADEL puts in key files (`BEGIN RSA PRIVATE KEY`). */
export function pkcs1Pem(key: RsaKey): string {
  return key.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

/**
 * The instance's token signing keys. Rotation adds a new current key; the previous one stays
 * published until dropped, as ZITADEL keeps old keys while tokens signed by them live.
 */
export class SigningKeys {
  private keys: RsaKey[] = [];

  static async create(): Promise<SigningKeys> {
    const keys = new SigningKeys();
    keys.keys = [await generateRsaKey()];
    return keys;
  }

  get current(): RsaKey {
    const key = this.keys[this.keys.length - 1];
    if (key === undefined) throw new Error('no signing key');
    return key;
  }

  find(kid: string | undefined): RsaKey | undefined {
    return this.keys.find((key) => key.kid === kid);
  }

  async rotate(dropOld: boolean): Promise<void> {
    const next = await generateRsaKey();
    this.keys = dropOld ? [next] : [...this.keys.slice(-1), next];
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const keys = await Promise.all(
      this.keys.map(async (key) => ({ ...(await exportJWK(key.publicKey)), kid: key.kid, alg: 'RS256', use: 'sig' })),
    );
    return { keys };
  }
}
