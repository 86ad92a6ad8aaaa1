import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';
import type { ApplicationKey } from 'nestjs-zitadel';

/** A fresh `"type":"application"` key file as ZITADEL hands it out (PKCS#1), with its public JWK. */
export async function generateApplicationKey(
  clientId: string,
  keyId = '81693565968962154',
): Promise<{ file: ApplicationKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const file: ApplicationKey = {
    type: 'application',
    keyId,
    key: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    appId: '78366403256846242',
    clientId,
  };
  const publicJwk = { ...(await exportJWK(publicKey)), kid: keyId, alg: 'RS256', use: 'sig' };
  return { file, publicJwk };
}
