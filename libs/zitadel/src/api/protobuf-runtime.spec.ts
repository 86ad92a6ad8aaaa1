import { ZitadelDependencyMissingError } from '../errors/dependency-missing.error.js';
import { LazyProtobuf, type ProtobufRuntime } from './protobuf-runtime.js';

const missing = () =>
  Promise.reject(
    Object.assign(new Error("Cannot find package '@bufbuild/protobuf'"), { code: 'ERR_MODULE_NOT_FOUND' }),
  );

describe('LazyProtobuf', () => {
  it('names the packages to install when @bufbuild/protobuf is missing', async () => {
    const error = await new LazyProtobuf(missing).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelDependencyMissingError);
    expect(error).toMatchObject({ code: 'ZITADEL_DEPENDENCY_MISSING', feature: 'ZitadelApi' });
    expect((error as Error).message).toBe(
      'ZitadelApi needs the optional peer dependencies @zitadel/proto, @bufbuild/protobuf, @connectrpc/connect: ' +
        'npm install @zitadel/proto @bufbuild/protobuf @connectrpc/connect',
    );
  });

  it('passes other load failures through, and tries again after a failure', async () => {
    let calls = 0;
    const broken = new Error('syntax error in the package');
    const lazy = new LazyProtobuf(() =>
      ++calls === 1 ? Promise.reject(broken) : Promise.resolve({} as ProtobufRuntime),
    );
    await expect(lazy.load()).rejects.toBe(broken);
    await expect(lazy.load()).resolves.toEqual({});
    await lazy.load();
    expect(calls).toBe(2);
  });

  it('loads nothing until asked', () => {
    let calls = 0;
    const lazy = new LazyProtobuf(() => {
      calls++;
      return Promise.resolve({} as ProtobufRuntime);
    });
    expect(lazy).toBeInstanceOf(LazyProtobuf);
    expect(calls).toBe(0);
  });
});
