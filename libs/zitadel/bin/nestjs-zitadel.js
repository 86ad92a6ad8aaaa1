#!/usr/bin/env node
// The `nestjs-zitadel` command, as npm links it. A committed file with its run bit in git, so npm
// links it at install time even before `dist/` is built (npm skips a bin whose target is missing)
// and a rebuild cannot take its run bit away (the compiler writes `dist/` files without one).
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/cli/bin.js', import.meta.url);
try {
  await import(compiled.href);
} catch (error) {
  const missing =
    error instanceof Error &&
    'code' in error &&
    error.code === 'ERR_MODULE_NOT_FOUND' &&
    error.message.includes(fileURLToPath(compiled));
  if (!missing) throw error;
  process.stderr.write('nestjs-zitadel is not built: run "npm run build:lib" in the workspace first.\n');
  process.exitCode = 1;
}
