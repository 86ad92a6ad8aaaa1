// The README's testing examples run as written: they are test files (beforeAll/afterAll, no
// top-level await), so their blocks are extracted from README.md, written next to each other as a
// user's files (the AppModule of "Configuration" as app.module.ts, the controller of "Guard and
// decorators" as reports.controller.ts) and imported here, where their `it`s run as this file's.
// A snippet whose promise breaks (a 403 instead of 200, a missing export) fails here.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository, so that the snippets' imports resolve as they do for the tests.
const OUT = join(ROOT, 'test', `.readme-testing-${process.pid}`);
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The text of the README's section under `heading` (`## X` or `### X`), up to the next heading. */
function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const rest = README.slice(start + heading.length + 2);
  const next = rest.search(/^#{2,3} /m);
  return next < 0 ? rest : rest.slice(0, next);
}

/** The ```ts blocks of a text. */
function blocks(text: string): string[] {
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? '');
}

/** The one block of a section that contains `marker`. */
function block(heading: string, marker: string): string {
  const found = blocks(section(heading)).filter((code) => code.includes(marker));
  if (found.length !== 1)
    throw new Error(`"${heading}" should have one ts block with ${marker}, it has ${found.length}`);
  return found[0] ?? '';
}

const FILES: Record<string, string> = {
  'app.module.ts': block('## Configuration', 'export class AppModule'),
  'reports.controller.ts': block('## Guard and decorators', 'export class ReportsController'),
  'seeded.snippet.ts': block('### Testing your own AppModule', 'SeededZitadel.start'),
  'emulator.snippet.ts': block('### The emulator itself', 'ZitadelEmulator.start'),
  'fake-user.snippet.ts': block('### Faking the user in unit tests', 'new FakeTokenValidator'),
};
mkdirSync(OUT, { recursive: true });
for (const [name, code] of Object.entries(FILES)) writeFileSync(join(OUT, name), code);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('README "Testing your own AppModule" (with the AppModule of "Configuration" and the controller of "Guard and decorators")', async () => {
  await import(/* @vite-ignore */ join(OUT, 'seeded.snippet.ts'));
});

describe('README "The emulator itself"', async () => {
  await import(/* @vite-ignore */ join(OUT, 'emulator.snippet.ts'));
});

describe('README "Faking the user in unit tests" (with the controller of "Guard and decorators")', async () => {
  await import(/* @vite-ignore */ join(OUT, 'fake-user.snippet.ts'));
});
