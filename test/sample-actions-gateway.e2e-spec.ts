// The sample app's Actions v2 targets and socket.io gateway, run as a user runs the sample (its
// bootstrap, the embedded ZITADEL): the emulator's signed calls reach the app (an event log, a
// claim the function adds to the demo tokens), unsigned calls are refused, and the gateway
// answers socket.io clients with the demo tokens and refuses sockets without one.
import { io, type Socket } from 'socket.io-client';
import { bootstrap, type SampleApp } from '../apps/sample/src/bootstrap.js';

let sample: SampleApp;

async function get(path: string, token?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sample.url}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: await response.json() };
}

/** Connects to the gateway's namespace; resolves with the socket, or rejects with the handshake refusal. */
function connect(token: string | undefined): Promise<Socket> {
  const socket = io(`${sample.url}/events`, {
    transports: ['websocket'],
    reconnection: false,
    ...(token === undefined ? {} : { auth: { token } }),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      reject(error);
    });
  });
}

beforeAll(async () => {
  sample = await bootstrap({ port: 0, logger: false, env: { ZITADEL_ISSUER: '' }, envFilePath: [] });
});
afterAll(async () => {
  await sample.close();
});

describe('Actions v2 in the sample', () => {
  it("adds the function's claim to the demo tokens: GET /me shows plan 'demo'", async () => {
    const me = await get('/me', sample.embedded?.seed.user.token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userName: 'bob', plan: 'demo' });
  });

  it('logs the user events ZITADEL delivers, for admins only', async () => {
    const admin = sample.embedded?.seed.admin.token;
    const created = await fetch(`${sample.url}/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userName: 'erin', email: 'erin@acme.localhost', firstName: 'Erin', lastName: 'Event' }),
    });
    expect(created.status).toBe(201);
    const { userId } = (await created.json()) as { userId: string };
    await sample.embedded?.emulator.actions.settled();
    const events = await get('/actions/events', admin);
    expect(events.status).toBe(200);
    expect(events.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ eventType: 'user.human.added', aggregateId: userId })]),
    );
    expect((await get('/actions/events', sample.embedded?.seed.user.token)).status).toBe(403);
  });

  it('refuses calls to its targets that ZITADEL did not sign, without running them', async () => {
    const before = ((await get('/actions/events', sample.embedded?.seed.admin.token)).body as unknown[]).length;
    const forged = JSON.stringify({ aggregateID: '1', aggregateType: 'user', event_type: 'user.human.added' });
    for (const signature of [undefined, `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`]) {
      const answer = await fetch(`${sample.url}/zitadel/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature === undefined ? {} : { 'zitadel-signature': signature }),
        },
        body: forged,
      });
      expect(answer.status).toBe(401);
    }
    const after = ((await get('/actions/events', sample.embedded?.seed.admin.token)).body as unknown[]).length;
    expect(after).toBe(before);
  });
});

describe('an on-behalf-of call in the sample (token exchange)', () => {
  it("GET /on-behalf-of exchanges the caller's token at ZITADEL and answers what GET /me sees downstream", async () => {
    const bob = sample.embedded?.seed.user;
    sample.embedded?.emulator.clearRequestLog();
    const answer = await get('/on-behalf-of', bob?.token);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ sub: bob?.userId, userName: 'bob' });
    const exchanges = sample.embedded?.emulator.requests.filter(
      (entry) => entry.endpoint === 'token' && entry.status === 200,
    );
    expect(exchanges).toHaveLength(1);
    expect((await get('/on-behalf-of')).status).toBe(401);
  });
});

describe('the socket.io gateway in the sample', () => {
  it("answers 'whoami' with the caller's user id, and 'reports' only for an organisation that granted a role", async () => {
    const seed = sample.embedded?.seed;
    const socket = await connect(seed?.user.token);
    try {
      expect(await socket.emitWithAck('whoami', {})).toBe(seed?.user.userId);
      expect(await socket.emitWithAck('reports', { orgId: seed?.org.id })).toEqual([
        `${seed?.org.id}-revenue`,
        `${seed?.org.id}-headcount`,
      ]);
      const refused = new Promise((resolve) => socket.once('exception', resolve));
      socket.emit('reports', { orgId: seed?.otherOrg.id });
      expect(await refused).toMatchObject({ status: 'error', code: 'forbidden' });
    } finally {
      socket.close();
    }
  });

  it('refuses a socket without a valid token at the handshake', async () => {
    await expect(connect(undefined)).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    await expect(connect('not-a-token')).rejects.toMatchObject({ data: { code: 'invalid_token' } });
  });

  it('prints a socket.io line in the banner that uses the demo token', () => {
    const line = sample.banner.find((entry) => entry.includes("require('socket.io-client')"));
    expect(line).toContain(`${sample.url}/events`);
    expect(line).toContain(sample.embedded?.seed.admin.token);
  });
});
