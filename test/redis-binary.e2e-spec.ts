// The Redis tests' set-up on a machine without redis-server in the usual place: the binary is
// found through REDIS_SERVER or PATH, and a missing one stops the run with one line naming the
// install command (never a skip). Real files on disk, no mocks.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRedisServer, findRedisServer, INSTALL_COMMAND } from './support/redis-binary.js';

let dir: string;
let fake: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'redis-binary-'));
  fake = join(dir, 'redis-server');
  writeFileSync(fake, '#!/bin/sh\nexit 0\n');
  chmodSync(fake, 0o755);
  writeFileSync(join(dir, 'not-executable'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the redis-server of the Redis tests', () => {
  it('is the executable named by REDIS_SERVER, else the first redis-server on PATH', () => {
    expect(findRedisServer({ REDIS_SERVER: fake, PATH: '' })).toBe(fake);
    expect(findRedisServer({ PATH: ['/nonexistent', dir].join(':') })).toBe(fake);
    expect(findRedisServer({ PATH: '/nonexistent' })).toBeUndefined();
    expect(findRedisServer({ REDIS_SERVER: join(dir, 'not-executable'), PATH: dir })).toBeUndefined();
  });

  it('is exported to the workers once found', () => {
    const env: NodeJS.ProcessEnv = { PATH: dir };
    expect(ensureRedisServer(env)).toBe(fake);
    expect(env['REDIS_SERVER']).toBe(fake);
  });

  it('stops the run with one line naming the install command when none can be found or installed', () => {
    // No apt-get on this PATH: nothing can be installed, whoever runs the test.
    expect(() => ensureRedisServer({ PATH: '/nonexistent' })).toThrow(
      `none is on PATH: install it (${INSTALL_COMMAND}) or set REDIS_SERVER to its path`,
    );
    expect(() => ensureRedisServer({ REDIS_SERVER: join(dir, 'not-executable'), PATH: dir })).toThrow(
      'is not an executable file',
    );
  });
});
