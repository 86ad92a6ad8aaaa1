// The guard's behaviour over a microservice transport a Nest ClientProxy speaks (TCP, Redis): the
// token and the organisation header travel as packet metadata (ClientProxy#setOnDispatchHook, read
// by the server from TcpContext/RedisContext#getMetadata), refusals come back as the error of `send`.
import type { INestMicroservice } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { EventRuns, type RpcScenario, type WaitingLogger } from './rpc-app.js';

/** What travels with one call besides its data. */
export interface CallMetadata {
  readonly token?: string;
  /** The whole `authorization` value, instead of `Bearer <token>`. */
  readonly authorization?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A call's outcome: the handler's answer, or the error the client received. */
export type Outcome = { readonly ok: unknown } | { readonly error: unknown };

/** Sends requests and events over a ClientProxy with per-call packet metadata. */
export class ProxyCaller {
  private readonly metadata = new WeakMap<object, Record<string, string>>();

  constructor(readonly client: ClientProxy) {
    client.setOnDispatchHook((packet) => {
      const metadata =
        typeof packet.data === 'object' && packet.data !== null ? this.metadata.get(packet.data) : undefined;
      if (metadata !== undefined) packet.metadata = metadata;
    });
  }

  async send(pattern: string, data: object, call: CallMetadata = {}): Promise<Outcome> {
    this.attach(data, call);
    try {
      return { ok: await firstValueFrom(this.client.send<unknown>(pattern, data)) };
    } catch (error) {
      return { error };
    }
  }

  async emit(pattern: string, data: object, call: CallMetadata = {}): Promise<void> {
    this.attach(data, call);
    await lastValueFrom(this.client.emit(pattern, data), { defaultValue: undefined });
  }

  private attach(data: object, call: CallMetadata): void {
    const metadata: Record<string, string> = { ...call.headers };
    if (call.token !== undefined) metadata['authorization'] = `Bearer ${call.token}`;
    if (call.authorization !== undefined) metadata['authorization'] = call.authorization;
    this.metadata.set(data, metadata);
  }
}

/** The running pieces a suite needs, set up by the spec file's `beforeAll`. */
export interface RpcSuiteContext {
  readonly scenario: RpcScenario;
  readonly app: INestMicroservice;
  readonly caller: ProxyCaller;
  readonly logs: WaitingLogger;
}

const refusal = (status: number, code: string, message: string) => ({ error: { status, code, message } });

/** The guard suite over one transport; `current()` gives what the spec's `beforeAll` started. */
export function rpcGuardSuite(current: () => RpcSuiteContext): void {
  const ctx = () => current();
  const token = (user: 'admin' | 'nobody', type: 'opaque' | 'jwt' = 'jwt', expiresIn?: number) =>
    ctx().scenario.token(user === 'admin' ? ctx().scenario.admin : ctx().scenario.nobody, type, expiresIn);

  afterEach(() => ctx().scenario.zitadel.clearFaults());

  it.each(['opaque', 'jwt'] as const)(
    'lets a call with a valid %s token through, @CurrentUser resolved',
    async (type) => {
      expect(await ctx().caller.send('whoami', {}, { token: await token('admin', type) })).toEqual({
        ok: { sub: ctx().scenario.admin, same: true, source: type === 'jwt' ? 'jwt' : 'introspection' },
      });
    },
  );

  it('lets @Public handlers through, with the user of a valid token and without one', async () => {
    expect(await ctx().caller.send('ping', {})).toEqual({ ok: { sub: null } });
    expect(await ctx().caller.send('ping', {}, { token: await token('admin') })).toEqual({
      ok: { sub: ctx().scenario.admin },
    });
  });

  it('refuses a call without a token: 401 unauthenticated (also for another scheme)', async () => {
    const expected = refusal(401, 'unauthenticated', 'Missing bearer token');
    expect(await ctx().caller.send('whoami', {})).toEqual(expected);
    expect(await ctx().caller.send('whoami', {}, { authorization: 'Basic YWxpY2U6c2VjcmV0' })).toEqual(expected);
  });

  it('refuses an invalid or malformed token: 401 invalid_token', async () => {
    expect(await ctx().caller.send('whoami', {}, { token: 'not-a-token-anyone-issued' })).toMatchObject({
      error: { status: 401, code: 'invalid_token' },
    });
    expect(await ctx().caller.send('whoami', {}, { authorization: 'Bearer two tokens' })).toEqual(
      refusal(401, 'invalid_token', 'The access token is malformed'),
    );
    const twice = { headers: { Authorization: `Bearer ${await token('admin')}` }, token: await token('admin') };
    expect(await ctx().caller.send('whoami', {}, twice)).toEqual(
      refusal(401, 'invalid_token', 'The access token is malformed'),
    );
  });

  it('refuses a token once the clock passed its exp: 401 invalid_token', async () => {
    const shortLived = await token('admin', 'jwt', 60);
    expect(await ctx().caller.send('whoami', {}, { token: shortLived })).toMatchObject({ ok: { same: true } });
    await ctx().scenario.clock.advance(61_000);
    expect(await ctx().caller.send('whoami', {}, { token: shortLived })).toEqual(
      refusal(401, 'invalid_token', 'The access token expired'),
    );
  });

  it('checks @Roles: 403 forbidden without the role', async () => {
    expect(await ctx().caller.send('secret', {}, { token: await token('admin') })).toEqual({
      ok: { secret: 'for admins' },
    });
    expect(await ctx().caller.send('secret', {}, { token: await token('nobody') })).toEqual(
      refusal(403, 'forbidden', 'Missing role'),
    );
  });

  it('scopes a role to the organisation a message field names', async () => {
    const bearer = await token('admin', 'opaque');
    const home = ctx().scenario.zitadel.defaultOrg.id;
    expect(await ctx().caller.send('org.param', { orgId: home }, { token: bearer })).toEqual({ ok: { report: home } });
    const forbidden = refusal(403, 'forbidden', 'Missing role');
    expect(await ctx().caller.send('org.param', { orgId: ctx().scenario.otherOrg.id }, { token: bearer })).toEqual(
      forbidden,
    );
    expect(await ctx().caller.send('org.param', {}, { token: bearer })).toEqual(forbidden);
  });

  it('scopes a role to the organisation a metadata header names', async () => {
    const bearer = await token('admin');
    const home = ctx().scenario.zitadel.defaultOrg.id;
    expect(await ctx().caller.send('org.header', {}, { token: bearer, headers: { 'X-Org-Id': home } })).toEqual({
      ok: { ok: true },
    });
    const other = { token: bearer, headers: { 'x-org-id': ctx().scenario.otherOrg.id } };
    expect(await ctx().caller.send('org.header', {}, other)).toEqual(refusal(403, 'forbidden', 'Missing role'));
  });

  it.each([
    ['answers 500', { endpoint: 'introspect', status: 500 }],
    ['drops the connection', { endpoint: 'introspect', drop: true }],
  ] as const)('answers 503 unavailable when ZITADEL %s, never a pass', async (_name, fault) => {
    const opaque = await token('admin', 'opaque');
    ctx().scenario.zitadel.injectFault(fault);
    expect(await ctx().caller.send('whoami', {}, { token: opaque })).toEqual(
      refusal(503, 'unavailable', 'Access tokens cannot be checked right now'),
    );
  });

  it('does not run a refused event handler, and logs the refusal without the token', async () => {
    const runs = ctx().app.get(EventRuns).runs;
    const forged = 'forged-token-that-must-not-be-logged';
    const refused = ctx().logs.waitFor('Refused an event for RpcHandlers.audit: The access token is not active');
    await ctx().caller.emit('audit', { n: 'forged' }, { token: forged });
    await refused;
    const missing = ctx().logs.waitFor('Refused an event for RpcHandlers.audit: missing-token');
    await ctx().caller.emit('audit', { n: 'anonymous' });
    await missing;
    // A request after the events, answered: the server has handled what came before it.
    await ctx().caller.send('ping', {});
    expect(
      runs.filter(
        (run) => JSON.stringify(run.data).includes('forged') || JSON.stringify(run.data).includes('anonymous'),
      ),
    ).toEqual([]);
    expect(ctx().logs.lines.join('\n')).not.toContain(forged);

    const ran = new Promise<void>((resolve) => {
      const check = () =>
        runs.some((run) => (run.data as { n?: string }).n === 'valid') ? resolve() : setImmediate(check);
      check();
    });
    await ctx().caller.emit('audit', { n: 'valid' }, { token: await token('nobody') });
    await ran;
    expect(runs.find((run) => (run.data as { n?: string }).n === 'valid')?.sub).toBe(ctx().scenario.nobody);
  });
}
