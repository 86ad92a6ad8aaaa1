import type { KeyObject } from 'node:crypto';
import type { EmulatorClock } from './emulator.types.js';
import { newId } from './ids.js';
import { generateRsaKeyPair } from './rsa-keys.js';

/** One of the instance's token signing keys. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A public key of the JWKS (RFC 7517), as ZITADEL publishes them. */
export interface PublicJwk {
  readonly use: 'sig';
  readonly kty: 'RSA';
  readonly kid: string;
  readonly alg: 'RS256';
  readonly n: string;
  readonly e: string;
}

/**
 * The instance's token signing keys. ZITADEL rotates them without notice and keeps publishing a
 * previous key while tokens it signed may still be in use; a rotation here does the same: the
 * new key signs, the old ones stay in the JWKS until dropped.
 */
export class SigningKeys {
  private keys: SigningKey[];

  private constructor(
    first: SigningKey,
    private readonly clock: EmulatorClock,
  ) {
    this.keys = [first];
  }

  /** A key ring with one fresh key (its id from the emulator's clock). */
  static async create(clock: EmulatorClock): Promise<SigningKeys> {
    return new SigningKeys(await newSigningKey(clock.now()), clock);
  }

  /** The key that signs new tokens. */
  get current(): SigningKey {
    return this.keys[this.keys.length - 1] as SigningKey;
  }

  /** A published key by `kid`: the current one or one kept after a rotation. */
  find(kid: string): SigningKey | undefined {
    return this.keys.find((key) => key.kid === kid);
  }

  /** Makes a new key current; with `dropOld`, every earlier key leaves the JWKS at once. */
  async rotate(dropOld: boolean): Promise<void> {
    const next = await newSigningKey(this.clock.now());
    this.keys = dropOld ? [next] : [...this.keys, next];
  }

  /** The JWKS document. */
  jwks(): { keys: PublicJwk[] } {
    return {
      keys: this.keys.map((key) => {
        const jwk = key.publicKey.export({ format: 'jwk' });
        return { use: 'sig', kty: 'RSA', kid: key.kid, alg: 'RS256', n: String(jwk.n), e: String(jwk.e) };
      }),
    };
  }
}

async function newSigningKey(nowMs: number): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateRsaKeyPair();
  return { kid: newId(nowMs), privateKey, publicKey };
}
