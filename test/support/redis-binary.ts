// Where the real redis-server the Redis tests start comes from. `npm test` on a fresh machine must
// do its own set-up (the README's second command), so the e2e global setup calls
// `ensureRedisServer()`: the binary named by REDIS_SERVER or found on PATH; else, as root with
// apt-get (Debian, CI), Debian's `redis-server` package is installed; else the run stops with one
// line naming the command. Never a skip, never a mock.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The command that installs the server on Debian, for the message when we cannot run it. */
export const INSTALL_COMMAND = 'sudo apt-get install -y redis-server';

/** The redis-server to run: `$REDIS_SERVER`, else the first executable `redis-server` on `$PATH`. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env['REDIS_SERVER'];
  if (named !== undefined && named !== '') return isExecutable(named) ? named : undefined;
  return findOnPath('redis-server', env);
}

/**
 * The redis-server path, installing Debian's package first when none is found and this process may
 * (root, apt-get on PATH). Exports it as `REDIS_SERVER` for the test workers.
 *
 * @throws {Error} none found and none installable: one line with the command to run.
 */
export function ensureRedisServer(env: NodeJS.ProcessEnv = process.env): string {
  let found = findRedisServer(env);
  const aptGet = findOnPath('apt-get', env);
  if (found === undefined && env['REDIS_SERVER'] === undefined && aptGet !== undefined && process.getuid?.() === 0) {
    const options = { stdio: 'inherit' as const, env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } };
    execFileSync(aptGet, ['update'], options);
    execFileSync(aptGet, ['install', '-y', '--no-install-recommends', 'redis-server'], options);
    found = findRedisServer(env);
  }
  if (found === undefined) {
    const named = env['REDIS_SERVER'];
    throw new Error(
      named === undefined || named === ''
        ? `The Redis tests need a real redis-server and none is on PATH: install it (${INSTALL_COMMAND}) or set REDIS_SERVER to its path`
        : `REDIS_SERVER=${named} is not an executable file: install redis-server (${INSTALL_COMMAND}) or fix the path`,
    );
  }
  env['REDIS_SERVER'] = found;
  return found;
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
