import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Metadata, status } from '@grpc/grpc-js';
import { RpcException, TcpContext } from '@nestjs/microservices';
import { ZitadelTokenInvalidError } from '../../errors/token-invalid.error.js';
import type { GuardRefusal } from './guard-transport.js';
import { rpcRefusal } from './rpc-refusal.js';

const REFUSALS: [GuardRefusal, number, object][] = [
  [
    { kind: 'missing-token' },
    status.UNAUTHENTICATED,
    { status: 401, code: 'unauthenticated', message: 'Missing bearer token' },
  ],
  [
    { kind: 'invalid-token', error: new ZitadelTokenInvalidError('expired') },
    status.UNAUTHENTICATED,
    { status: 401, code: 'invalid_token', message: 'The access token expired' },
  ],
  [{ kind: 'missing-role' }, status.PERMISSION_DENIED, { status: 403, code: 'forbidden', message: 'Missing role' }],
  [
    { kind: 'unavailable' },
    status.UNAVAILABLE,
    { status: 503, code: 'unavailable', message: 'Access tokens cannot be checked right now' },
  ],
];

describe('rpcRefusal', () => {
  it.each(REFUSALS)('answers %o as an RpcException the caller can read', async (refusal, _grpc, expected) => {
    const tcp = new TcpContext([{}, 'p', {}] as unknown as ConstructorParameters<typeof TcpContext>[0]);
    const error = await rpcRefusal(refusal, tcp);
    expect(error).toBeInstanceOf(RpcException);
    expect((error as RpcException).getError()).toEqual(expected);
  });

  it.each(REFUSALS)(
    'answers %o over gRPC with a gRPC status and the code as a trailer',
    async (refusal, grpc, expected) => {
      const incoming = new Metadata();
      incoming.set('authorization', 'Bearer secret-token');
      const error = (await rpcRefusal(refusal, incoming)) as RpcException;
      const answer = error.getError() as { code: number; details: string; metadata: Metadata };
      const { code, message, status: httpStatus } = expected as { code: string; message: string; status: number };
      expect(answer).toMatchObject({ code: grpc, details: message, message, status: httpStatus });
      expect(answer.metadata).toBeInstanceOf(Metadata);
      expect(answer.metadata.getMap()).toEqual({ 'zitadel-error': code });
    },
  );
});

// @nestjs/microservices is an optional peer: an app without it must boot, so no library file
// imports it at load; the RpcException of a refusal is loaded at the first refusal.
it('no library file imports @nestjs/microservices at load', async () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const files = (await readdir(root, { recursive: true })).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'),
  );
  expect(files.length).toBeGreaterThan(20);
  const offenders: string[] = [];
  for (const file of files) {
    const source = await readFile(`${root}/${file}`, 'utf8');
    if (/^\s*import\s+(?!type\b)[^;]*from\s+['"]@nestjs\/microservices(\/[^'"]*)?['"]/m.test(source))
      offenders.push(file);
    if (/^\s*export\s+[^;]*from\s+['"]@nestjs\/microservices/m.test(source)) offenders.push(file);
  }
  expect(offenders).toEqual([]);
});
