// The emulator calls Actions v2 targets as ZITADEL does, over real HTTP to a plain Node server:
// events after the changes it models, the preaccesstoken / preuserinfo functions while it issues
// tokens and answers introspection and userinfo, each call signed with the target's key
// (checked here with Node's crypto), webhook / call / async, timeouts on the injected clock,
// interruptOnError, forwarded errors, and targets created over Connect.
import { createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { ActionService } from '@zitadel/proto/zitadel/action/v2beta/action_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { ZitadelScopes } from 'nestjs-zitadel';
import { ManualClock, ZitadelEmulator, type EmulatorTarget } from 'nestjs-zitadel/testing';
import { ActionTarget, signatureMatches, signatureTime } from './support/action-target.js';

let zitadel: ZitadelEmulator;
let clock: ManualClock;
let target: ActionTarget;

beforeEach(async () => {
  clock = new ManualClock(new Date('2026-03-01T10:00:00.123Z'));
  zitadel = await ZitadelEmulator.start({ clock });
  target = await ActionTarget.start();
});
afterEach(async () => {
  await target.close();
  await zitadel.close();
});

function json(body: Buffer): Record<string, unknown> {
  return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
}

/** A service user with a secret whose access tokens are JWTs (or opaque), and a token request for it. */
function serviceUser(accessTokenType: 'jwt' | 'opaque' = 'jwt') {
  const user = zitadel.createServiceUser({ userName: `svc-${accessTokenType}`, withSecret: true, accessTokenType });
  return {
    user,
    token: (scope = 'openid') =>
      fetch(`${zitadel.issuer}/oauth/v2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${user.clientId}:${user.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
      }),
  };
}

function functionTarget(
  path: string,
  options: { interruptOnError?: boolean; type?: 'call' | 'webhook' | 'async' } = {},
) {
  return zitadel.actions.addTarget({ endpoint: target.url(path), type: 'call', timeoutMs: 5000, ...options });
}

describe('events', () => {
  it('posts user.human.added, signed with the target key, in ZITADEL event shape, after the helper created the user', async () => {
    const hook = zitadel.actions.addTarget({ endpoint: target.url('/events'), type: 'webhook' });
    zitadel.actions.setExecution({ event: 'user.human.added' }, [hook.id]);
    const ada = zitadel.createHumanUser({
      userName: 'ada',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
    });
    await zitadel.actions.settled();

    const [call] = target.callsTo('/events');
    expect(call).toBeDefined();
    if (call === undefined) return;
    expect(call.headers['content-type']).toBe('application/json');
    expect(signatureMatches(call.headers['zitadel-signature'], call.body, hook.signingKey)).toBe(true);
    expect(signatureMatches(call.headers['zitadel-signature'], call.body, 'another-key')).toBe(false);
    expect(signatureTime(call.headers['zitadel-signature'])).toBe(Math.floor(clock.now() / 1000));
    const body = json(call.body);
    expect(body).toMatchObject({
      aggregateID: ada.userId,
      aggregateType: 'user',
      resourceOwner: zitadel.defaultOrg.id,
      version: 'v2',
      sequence: 1,
      event_type: 'user.human.added',
      created_at: '2026-03-01T10:00:00.123Z',
      event_payload: { userName: 'ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    });
    expect(body['instanceID']).toMatch(/^\d+$/);
    // A change made by the emulator's helper has no editor.
    expect(body).not.toHaveProperty('userID');
    expect(zitadel.actions.calls()).toEqual([
      expect.objectContaining({
        targetId: hook.id,
        targetType: 'webhook',
        condition: 'event/user.human.added',
        executionId: 'event/user.human.added',
        status: 200,
        outcome: 'ok',
        body: call.body.toString('utf8'),
      }),
    ]);
  });

  it('calls the best matching execution: exact event, then the group, then all events', async () => {
    const exact = zitadel.actions.addTarget({ name: 'exact', endpoint: target.url('/exact'), type: 'webhook' });
    const group = zitadel.actions.addTarget({ name: 'group', endpoint: target.url('/group'), type: 'webhook' });
    const all = zitadel.actions.addTarget({ name: 'all', endpoint: target.url('/all'), type: 'webhook' });
    zitadel.actions.setExecution({ event: 'user.human.added' }, [exact.id]);
    zitadel.actions.setExecution({ eventGroup: 'user.machine' }, [group.id]);
    zitadel.actions.setExecution({ allEvents: true }, [all.id]);
    const project = zitadel.createProject({ name: 'p' });
    zitadel.addProjectRole(project.id, { key: 'reader' });
    const human = zitadel.createHumanUser({ userName: 'h' });
    zitadel.createServiceUser({ userName: 'm' });
    zitadel.grantRoles({ userId: human.userId, projectId: project.id, roleKeys: ['reader'] });
    await zitadel.actions.settled();

    const seen = (path: string) => target.callsTo(path).map((call) => json(call.body)['event_type']);
    expect(seen('/exact')).toEqual(['user.human.added']);
    expect(seen('/group')).toEqual(['user.machine.added']);
    expect(seen('/all')).toEqual(['user.grant.added']);
    const grant = json(target.callsTo('/all')[0]?.body ?? Buffer.from('{}'));
    expect(grant).toMatchObject({
      aggregateType: 'usergrant',
      version: 'v1',
      event_payload: { userId: human.userId, projectId: project.id, roleKeys: ['reader'] },
    });
  });

  it('stops calling the next targets of an event after a failing target that interrupts on error, not otherwise', async () => {
    target.answer('/failing', () => ({ status: 500 }));
    const failing = zitadel.actions.addTarget({ name: 'f', endpoint: target.url('/failing'), type: 'webhook' });
    const stopping = zitadel.actions.addTarget({
      name: 's',
      endpoint: target.url('/failing'),
      type: 'webhook',
      interruptOnError: true,
    });
    const after = zitadel.actions.addTarget({ name: 'a', endpoint: target.url('/after'), type: 'webhook' });
    zitadel.actions.setExecution({ event: 'user.human.added' }, [failing.id, after.id]);
    zitadel.actions.setExecution({ event: 'user.machine.added' }, [stopping.id, after.id]);
    zitadel.createHumanUser({ userName: 'h' });
    zitadel.createServiceUser({ userName: 'm' });
    await zitadel.actions.settled();

    expect(target.callsTo('/failing')).toHaveLength(2);
    expect(target.callsTo('/after').map((call) => json(call.body)['event_type'])).toEqual(['user.human.added']);
    expect(zitadel.actions.calls().filter((call) => call.outcome === 'failed')).toHaveLength(2);
  });

  it('delivers events of changes made over Connect with the editor, to a target created over Connect', async () => {
    const admin = zitadel.createServiceUser({ userName: 'iam-admin' }).userId;
    zitadel.addInstanceMember(admin, ['IAM_OWNER']);
    const token = await zitadel.issueToken({ userId: admin, scopes: ['openid', ZitadelScopes.zitadelApi()] });
    const bearer: Interceptor = (next) => async (request) => {
      request.header.set('authorization', `Bearer ${token}`);
      return next(request);
    };
    const transport = createConnectTransport({ baseUrl: zitadel.issuer, httpVersion: '1.1', interceptors: [bearer] });
    const actions = createClient(ActionService, transport);
    const users = createClient(UserService, transport);

    const created = await actions.createTarget({
      name: 'events',
      endpoint: target.url('/connect'),
      targetType: { case: 'restWebhook', value: { interruptOnError: false } },
      timeout: { seconds: 5n, nanos: 0 },
    });
    await actions.setExecution({
      condition: { conditionType: { case: 'event', value: { condition: { case: 'group', value: 'user' } } } },
      targets: [created.id],
    });
    const added = await users.addHumanUser({
      username: 'grace',
      profile: { givenName: 'Grace', familyName: 'Hopper' },
      email: { email: 'grace@example.com', verification: { case: 'isVerified', value: true } },
    });
    await users.deactivateUser({ userId: added.userId });
    await zitadel.actions.settled();

    const calls = target.callsTo('/connect');
    expect(calls.map((call) => json(call.body)['event_type'])).toEqual(['user.human.added', 'user.deactivated']);
    for (const call of calls) {
      expect(signatureMatches(call.headers['zitadel-signature'], call.body, created.signingKey)).toBe(true);
      expect(json(call.body)).toMatchObject({ aggregateID: added.userId, userID: admin });
    }
    expect(json(calls[1]?.body ?? Buffer.from('{}'))).toMatchObject({ sequence: 2 });
    expect(json(calls[1]?.body ?? Buffer.from('{}'))).not.toHaveProperty('event_payload');
  });

  it('sends the JWT payload type as a JWT signed with the instance key, the signature over the JWT', async () => {
    const hook = zitadel.actions.addTarget({ endpoint: target.url('/jwt'), type: 'webhook', payloadType: 'jwt' });
    zitadel.actions.setExecution({ event: 'user.human.added' }, [hook.id]);
    const ada = zitadel.createHumanUser({ userName: 'ada' });
    await zitadel.actions.settled();

    const [call] = target.callsTo('/jwt');
    const jwt = call?.body.toString('utf8') ?? '';
    expect(signatureMatches(call?.headers['zitadel-signature'], Buffer.from(jwt), hook.signingKey)).toBe(true);
    const jwks = (await (await fetch(`${zitadel.issuer}/oauth/v2/keys`)).json()) as { keys: [] };
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { currentDate: new Date(clock.now()) });
    expect(payload).toMatchObject({ aggregateID: ada.userId, event_type: 'user.human.added' });
  });
});

describe('functions', () => {
  it('preaccesstoken adds claims to the JWT access token, keeping reserved and existing claims', async () => {
    target.answer('/claims', () => ({
      status: 200,
      body: {
        append_claims: [
          { key: 'tier', value: 'gold' },
          { key: 'tier', value: 'silver' },
          { key: 'urn:zitadel:iam:org:id', value: 'forged' },
          { key: 'sub', value: 'forged' },
        ],
        append_log_claims: ['checked'],
      },
    }));
    const fn = functionTarget('/claims');
    zitadel.actions.setExecution({ function: 'preaccesstoken' }, [fn.id]);
    const { user, token } = serviceUser('jwt');
    const response = await token('profile');
    expect(response.status).toBe(200);
    const claims = decodeJwt(((await response.json()) as { access_token: string }).access_token);
    expect(claims['tier']).toBe('gold');
    expect(claims['sub']).toBe(user.userId);
    expect(claims).not.toHaveProperty('urn:zitadel:iam:org:id');
    expect(claims['urn:zitadel:iam:action:function/preaccesstoken:log']).toEqual([
      'key "tier" already exists',
      'checked',
    ]);

    const [call] = target.callsTo('/claims');
    expect(signatureMatches(call?.headers['zitadel-signature'], call?.body ?? Buffer.alloc(0), fn.signingKey)).toBe(
      true,
    );
    expect(json(call?.body ?? Buffer.from('{}'))).toMatchObject({
      function: 'function/preaccesstoken',
      userinfo: { sub: user.userId },
      user: { id: user.userId, username: 'svc-jwt', resource_owner: zitadel.defaultOrg.id, type: 2 },
      org: { id: zitadel.defaultOrg.id, name: 'ZITADEL', primary_domain: 'zitadel.localhost' },
    });
  });

  it('preuserinfo adds claims to introspection of an opaque token and to userinfo, and sets user metadata', async () => {
    target.answer('/userinfo', () => ({
      status: 200,
      body: {
        append_claims: [{ key: 'plan', value: { seats: 3 } }],
        set_user_metadata: [{ key: 'seen', value: 'eWVz' }],
      },
    }));
    const fn = functionTarget('/userinfo');
    zitadel.actions.setExecution({ function: 'preuserinfo' }, [fn.id]);
    const hook = zitadel.actions.addTarget({ name: 'md', endpoint: target.url('/metadata'), type: 'webhook' });
    zitadel.actions.setExecution({ event: 'user.metadata.set' }, [hook.id]);
    const project = zitadel.createProject({ name: 'api' });
    const api = await zitadel.createApiApplication({ projectId: project.id, authMethod: 'client_secret_basic' });
    const { user, token } = serviceUser('opaque');
    const issued = (await (await token(`urn:zitadel:iam:org:project:id:${project.id}:aud`)).json()) as {
      access_token: string;
    };

    const introspection = await fetch(`${zitadel.issuer}/oauth/v2/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${api.clientId}:${api.clientSecret ?? ''}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: issued.access_token }),
    });
    expect(await introspection.json()).toMatchObject({ active: true, sub: user.userId, plan: { seats: 3 } });
    const userinfo = await fetch(`${zitadel.issuer}/oidc/v1/userinfo`, {
      headers: { authorization: `Bearer ${issued.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({ sub: user.userId, plan: { seats: 3 } });

    await zitadel.actions.settled();
    const metadata = target.callsTo('/metadata').map((call) => json(call.body));
    expect(metadata[0]).toMatchObject({
      event_type: 'user.metadata.set',
      event_payload: { key: 'seen', value: 'eWVz' },
    });
    // The second call (userinfo) sees the metadata the first one set.
    expect(json(target.callsTo('/userinfo')[1]?.body ?? Buffer.from('{}'))).toMatchObject({
      function: 'function/preuserinfo',
      user_metadata: [{ key: 'seen', value: 'eWVz' }],
    });
  });

  it('a failing target fails the token request only with interruptOnError; a forwarded 4xx keeps its status', async () => {
    target.answer('/down', () => ({ status: 503, body: 'down' }));
    target.answer('/deny', () => ({
      status: 200,
      body: { forwardedStatusCode: 403, forwardedErrorMessage: 'no gold' },
    }));
    const lenient = functionTarget('/down');
    zitadel.actions.setExecution({ function: 'preaccesstoken' }, [lenient.id]);
    const { token } = serviceUser('jwt');
    expect((await token()).status).toBe(200);

    const strict = functionTarget('/down', { interruptOnError: true });
    zitadel.actions.setExecution({ function: 'preaccesstoken' }, [strict.id]);
    const refused = await token();
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_request', error_description: 'Errors.Execution.Failed' });

    const deny = functionTarget('/deny', { interruptOnError: true });
    zitadel.actions.setExecution({ function: 'preaccesstoken' }, [deny.id]);
    const denied = await token();
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ error: 'invalid_request', error_description: 'no gold' });

    // A 4xx ZITADEL has no error kind for is an unknown error: 500.
    target.answer('/teapot', () => ({ status: 200, body: { forwardedStatusCode: 418, forwardedErrorMessage: 'tea' } }));
    zitadel.actions.setExecution({ function: 'preaccesstoken' }, [
      functionTarget('/teapot', { interruptOnError: true }).id,
    ]);
    const teapot = await token();
    expect(teapot.status).toBe(500);
    expect(await teapot.json()).toEqual({ error: 'server_error', error_description: 'tea' });
  });

  it('an interrupting preuserinfo failure makes introspection answer inactive', async () => {
    target.answer('/deny', () => ({ status: 200, body: { forwardedStatusCode: 401, forwardedErrorMessage: 'no' } }));
    const project = zitadel.createProject({ name: 'api' });
    const api = await zitadel.createApiApplication({ projectId: project.id, authMethod: 'client_secret_basic' });
    const { token } = serviceUser('opaque');
    const issued = (await (await token(`urn:zitadel:iam:org:project:id:${project.id}:aud`)).json()) as {
      access_token: string;
    };
    zitadel.actions.setExecution({ function: 'preuserinfo' }, [functionTarget('/deny', { interruptOnError: true }).id]);
    const introspection = await fetch(`${zitadel.issuer}/oauth/v2/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${api.clientId}:${api.clientSecret ?? ''}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: issued.access_token }),
    });
    expect(await introspection.json()).toEqual({ active: false });
  });

  it('gives up on a target after its timeout on the injected clock', async () => {
    target.answer('/slow', () => 'hold');
    const slow = zitadel.actions.addTarget({
      endpoint: target.url('/slow'),
      type: 'call',
      timeoutMs: 2000,
      interruptOnError: true,
    });
    zitadel.actions.setExecution({ function: 'preaccesstoken' }, [slow.id]);
    const { token } = serviceUser('jwt');
    const pending = token();
    await target.received(1);
    await clock.advance(1999);
    // Not given up yet: nothing is recorded until the call ends.
    expect(zitadel.actions.calls()).toEqual([]);
    await clock.advance(1);
    const response = await pending;
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'server_error', error_description: 'Errors.Internal' });
    expect(zitadel.actions.calls()).toEqual([expect.objectContaining({ targetId: slow.id, outcome: 'timeout' })]);
  });

  it('does not wait for an async target nor read its answer, and a webhook answer is not read either', async () => {
    target.answer('/async', () => 'hold');
    target.answer('/hook', () => ({ status: 200, body: { append_claims: [{ key: 'from_hook', value: true }] } }));
    const later = zitadel.actions.addTarget({ name: 'async', endpoint: target.url('/async'), type: 'async' });
    const hook = functionTarget('/hook', { type: 'webhook' });
    zitadel.actions.setExecution({ function: 'preaccesstoken' }, [later.id, hook.id]);
    const { token } = serviceUser('jwt');
    const response = await token();
    expect(response.status).toBe(200);
    const claims = decodeJwt(((await response.json()) as { access_token: string }).access_token);
    expect(claims).not.toHaveProperty('from_hook');
    expect(target.callsTo('/async')).toHaveLength(1);
    expect(zitadel.actions.calls().map((call) => call.targetType)).toEqual(['webhook']);

    target.release();
    await zitadel.actions.settled();
    expect(zitadel.actions.calls().map((call) => [call.targetType, call.status])).toEqual([
      ['webhook', 200],
      ['async', 200],
    ]);
  });
});

describe('emulator.actions', () => {
  it('refuses a bad endpoint, timeout or duplicate name, and an execution naming no target', () => {
    expect(() => zitadel.actions.addTarget({ endpoint: 'not a url' })).toThrow(/endpoint/);
    expect(() => zitadel.actions.addTarget({ endpoint: target.url('/'), timeoutMs: 0 })).toThrow(/timeoutMs/);
    const first: EmulatorTarget = zitadel.actions.addTarget({ name: 'x', endpoint: target.url('/') });
    expect(first.signingKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(() => zitadel.actions.addTarget({ name: 'x', endpoint: target.url('/') })).toThrow(/"x"/);
    expect(() => zitadel.actions.setExecution({ function: 'preuserinfo' }, ['nope'])).toThrow(/nope/);
  });
});
