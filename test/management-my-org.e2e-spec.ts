// The emulator's `GET /management/v1/orgs/me` (ZITADEL's GetMyOrg) on the wire: the organisation of
// the call (`x-zitadel-orgid`, else the caller's own) as `zitadel.org.v1.Org`, for a caller holding
// `org.read` there, and refused with ZITADEL's bodies otherwise.
import { ZitadelScopes } from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';

let zitadel: ZitadelEmulator;

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
});
afterAll(() => zitadel?.close());

/** A token for ZITADEL's APIs of a new service user of `orgId` holding `roles` in `memberOf`. */
async function tokenOf(name: string, roles: string[], memberOf: string, orgId = zitadel.defaultOrg.id) {
  const { userId } = zitadel.createServiceUser({ userName: name, orgId });
  if (roles.length > 0) zitadel.addOrgMember(memberOf, userId, roles);
  return zitadel.issueToken({ userId, scopes: ['openid', ZitadelScopes.zitadelApi()] });
}

async function getMyOrg(token: string | undefined, orgId?: string) {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  if (orgId !== undefined) headers['x-zitadel-orgid'] = orgId;
  const response = await fetch(`${zitadel.issuer}/management/v1/orgs/me`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const denied = {
  status: 403,
  body: {
    code: 7,
    message: 'No matching permissions found (AUTH-5mWD2)',
    details: [
      {
        '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail',
        id: 'AUTH-5mWD2',
        message: 'No matching permissions found',
      },
    ],
  },
};

describe('GET /management/v1/orgs/me', () => {
  it("answers the caller's own organisation as zitadel.org.v1.Org", async () => {
    const token = await tokenOf('owner', ['ORG_OWNER'], zitadel.defaultOrg.id);
    const { status, body } = await getMyOrg(token);
    expect(status).toBe(200);
    expect(body).toEqual({
      org: {
        id: zitadel.defaultOrg.id,
        details: {
          creationDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          changeDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          resourceOwner: zitadel.defaultOrg.id,
        },
        state: 'ORG_STATE_ACTIVE',
        name: 'ZITADEL',
        primaryDomain: 'zitadel.localhost',
      },
    });
  });

  it('answers the organisation named by x-zitadel-orgid when the caller may read it there', async () => {
    const acme = zitadel.createOrg({ name: 'Acme', primaryDomain: 'acme.localhost' });
    const token = await tokenOf('acme-viewer', ['ORG_OWNER_VIEWER'], acme.id);
    expect(await getMyOrg(token, acme.id)).toMatchObject({
      status: 200,
      body: {
        org: { id: acme.id, name: 'Acme', primaryDomain: 'acme.localhost', details: { resourceOwner: acme.id } },
      },
    });
    // Its own organisation, where it holds no role, stays closed to it.
    expect(await getMyOrg(token)).toEqual(denied);
  });

  it('needs org.read in the organisation of the call: ORG_PROJECT_CREATOR and no membership are refused', async () => {
    expect(await getMyOrg(await tokenOf('creator', ['ORG_PROJECT_CREATOR'], zitadel.defaultOrg.id))).toEqual(denied);
    expect(await getMyOrg(await tokenOf('nobody', [], zitadel.defaultOrg.id))).toEqual(denied);
    const editor = await tokenOf('editor', ['ORG_USER_PERMISSION_EDITOR'], zitadel.defaultOrg.id);
    expect((await getMyOrg(editor)).status).toBe(200);
    const other = zitadel.createOrg({ name: 'Other' });
    expect(await getMyOrg(editor, other.id)).toEqual(denied);
  });

  it('refuses a call without a token, and an organisation that does not exist', async () => {
    expect(await getMyOrg(undefined)).toMatchObject({
      status: 401,
      body: { code: 16, message: 'auth header missing' },
    });
    const token = await tokenOf('owner-2', ['ORG_OWNER'], zitadel.defaultOrg.id);
    expect(await getMyOrg(token, '123456789')).toMatchObject({ status: 403, body: { code: 7 } });
  });
});
