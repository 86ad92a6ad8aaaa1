// Builds the library once before the end-to-end tests that run its compiled form (the CLI, the
// packed tarball), so `npm test` works on a fresh clone without a separate build step.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync('npm', ['run', '--silent', 'build:lib'], { cwd: root, stdio: 'inherit' });
}
