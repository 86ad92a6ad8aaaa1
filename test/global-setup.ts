// Builds the library once before the end-to-end tests that run its compiled form (the CLI, the
// packed tarball), and finds (or installs) the real redis-server the Redis tests start, so
// `npm test` works on a fresh clone without a separate set-up step.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureRedisServer } from './support/redis-binary.js';

export default function setup(): void {
  ensureRedisServer();
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync('npm', ['run', '--silent', 'build:lib'], { cwd: root, stdio: 'inherit' });
}
