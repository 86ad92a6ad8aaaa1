import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { authenticate } from '../../management/authorization.js';
import type { Call } from '../../management/call.js';
import { GrpcCode, GrpcFailure } from '../../management/grpc-status.js';
import { MetaKey } from '../../management/management-state.js';
import type { ProtoMessage } from '../../management/proto-json.js';
import { newId } from '../../ids.js';
import { pkcs1Pem } from '../../rsa-keys.js';
import { Scope } from '../../scopes.js';
import type { MachineUserRecord } from '../../emulator-store.js';
import { existingUser, requireUserPermission, timestamp, userIdOf } from './user-lookup.js';

/** What ZITADEL writes as the expiration of a key or token created without one. */
const NEVER_EXPIRES = '9999-12-31T23:59:59Z';

/** A service user, or ZITADEL's answer for a human (ids not checked: `EMU-`). */
function machineUser(call: Call, message: string): { user: MachineUserRecord; orgId: string } {
  const caller = authenticate(call.request, call.context);
  const user = existingUser(call.context, userIdOf(message, call.body), 'EMU-Us3rK');
  requireUserPermission(call.context, caller, user, 'user.write');
  if (user.kind !== 'machine')
    throw new GrpcFailure(GrpcCode.failedPrecondition, 'Errors.User.NotMachine', 'EMU-N0tMa');
  return { user, orgId: user.orgId };
}

/** The request's `expirationDate` (epoch ms), `undefined` when absent; one in the past is refused. */
function expiration(call: Call): number | undefined {
  const text = call.body.string('expirationDate');
  if (text === '') return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new GrpcFailure(
      GrpcCode.invalidArgument,
      'unmarshal message: proto: invalid google.protobuf.Timestamp value',
    );
  if (ms < call.context.clock.now())
    throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.User.PAT.ExpirationDateBeforeNow', 'EMU-Exp1r');
  return ms;
}

/**
 * `AddPersonalAccessToken`: an opaque token for a service user with ZITADEL's API audience (as
 * ZITADEL's PATs carry), valid until `expirationDate` (else 9999-12-31), accepted by the
 * emulator's APIs and introspection; returned once.
 */
export function addPersonalAccessToken(call: Call): Record<string, unknown> {
  const { user } = machineUser(call, 'AddPersonalAccessTokenRequest');
  const expiresAt = expiration(call) ?? Date.parse(NEVER_EXPIRES);
  const { context } = call;
  const now = context.clock.now();
  const issued = context.tokens.issue({
    user,
    clientId: user.userName,
    audience: [context.zitadelProjectId],
    scope: [Scope.openid, Scope.profile, `${Scope.projectIdPrefix}${Scope.zitadelProject}${Scope.audSuffix}`],
    format: 'opaque',
    lifetimeSeconds: Math.floor((expiresAt - now) / 1000),
    amr: [],
    roles: { projectId: '', projectRoleAssertion: false, accessTokenRoleAssertion: true },
  });
  call.state.touch(MetaKey.user(user.id));
  return { creationDate: timestamp(new Date(now)), tokenId: issued.record.tokenId, token: issued.accessToken };
}

/**
 * `AddKey`: a key for a service user's JWT-profile grant. Without `publicKey` the emulator
 * generates an RSA key and returns the key file (JSON, as bytes) once; with a PEM public key it
 * registers that key and returns no content.
 */
export function addKey(call: Call): Record<string, unknown> {
  const { user } = machineUser(call, 'AddKeyRequest');
  const expiresAt = expiration(call);
  const now = call.context.clock.now();
  const keyId = newId(now);
  const provided = publicKeyOf(call.body);
  let content: string | undefined;
  let publicKey: KeyObject;
  if (provided === undefined) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    publicKey = pair.publicKey;
    const file = {
      type: 'serviceaccount',
      keyId,
      key: pkcs1Pem(pair.privateKey),
      expirationDate: expiresAt === undefined ? NEVER_EXPIRES : new Date(expiresAt).toISOString(),
      userId: user.id,
    };
    content = Buffer.from(JSON.stringify(file)).toString('base64');
  } else publicKey = provided;
  user.keys.set(keyId, { keyId, publicKey, expiresAt });
  call.state.touch(MetaKey.user(user.id));
  return { creationDate: timestamp(new Date(now)), keyId, ...(content === undefined ? {} : { keyContent: content }) };
}

function publicKeyOf(body: ProtoMessage): KeyObject | undefined {
  const text = body.string('publicKey');
  if (text === '') return undefined;
  try {
    return createPublicKey(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.User.Machine.Key.Invalid', 'EMU-K3yIn');
  }
}
