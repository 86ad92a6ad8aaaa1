// What every scenario needs from ZITADEL: the emulator (`nestjs-zitadel/testing`) on loopback, a
// project with a role, an API application (private_key_jwt, as ZITADEL recommends), a human user
// granted the role with a JWT and an opaque access token, a service user with a key file, and
// the test JWKS of the memory scenario.
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ZitadelScopes } from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';
import { startTestIssuer } from './test-issuer.mjs';

const TOKEN_LIFETIME_SECONDS = 3600;

export async function createFixture() {
  const zitadel = await ZitadelEmulator.start();
  const testIssuer = await startTestIssuer();
  try {
    const project = zitadel.createProject({ name: 'bench-api' });
    zitadel.addProjectRole(project.id, { key: 'reader' });
    const api = await zitadel.createApiApplication({ projectId: project.id, authMethod: 'private_key_jwt' });
    const apiApplication = { key: api.keyFile };

    const user = zitadel.createHumanUser({
      userName: 'ada',
      email: 'ada@bench.test',
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    zitadel.grantRoles({ userId: user.userId, projectId: project.id, roleKeys: ['reader'] });
    // What a SPA or web app of the project would ask for: the API's audience, its roles, the profile.
    const scopes = [
      'openid',
      'profile',
      'email',
      ZitadelScopes.projectAudience(project.id),
      'urn:zitadel:iam:org:projects:roles',
      'urn:zitadel:iam:user:resourceowner',
    ];
    const issue = (type) =>
      zitadel.issueToken({ userId: user.userId, scopes, type, expiresIn: TOKEN_LIFETIME_SECONDS });
    const jwt = await issue('jwt');
    const opaque = await issue('opaque');

    const worker = zitadel.createServiceUser({ userName: 'bench-worker' });
    const workerKey = await zitadel.addServiceUserKey(worker.userId);

    const claims = decodeJwt(jwt);
    return {
      issuer: zitadel.issuer,
      projectId: project.id,
      apiApplication,
      jwt,
      opaque,
      serverConfig: {
        issuer: zitadel.issuer,
        jwksUri: `${zitadel.issuer}/oauth/v2/keys`,
        projectId: project.id,
        apiApplication,
      },
      /** `n` fresh opaque access tokens of the user. */
      mintOpaque: (n) => Promise.all(Array.from({ length: n }, () => issue('opaque'))),
      introspectionCount: () => zitadel.requestCount('introspect'),
      tokenCount: () => zitadel.requestCount('token'),
      /** Holds every introspection for `ms` before answering it. */
      delayIntrospection: (ms) => {
        zitadel.injectFault({ endpoint: 'introspect', delayMs: ms });
        return true;
      },
      clearFaults: () => zitadel.clearFaults(),
      serviceUser: { key: workerKey },
      tokenScopes: [ZitadelScopes.projectAudience(project.id)],
      /** The memory scenario's issuer (a test JWKS) and its tokens: the emulator's claims, re-issued by it. */
      memoryIssuer: testIssuer.issuer,
      jwtSigner: {
        privateKeyPem: testIssuer.privateKeyPem,
        header: { ...decodeProtectedHeader(jwt), kid: testIssuer.kid },
        claims: { ...claims, iss: testIssuer.issuer },
      },
      close: async () => {
        await testIssuer.close();
        await zitadel.close();
      },
    };
  } catch (error) {
    await testIssuer.close();
    await zitadel.close();
    throw error;
  }
}
