import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// @nestjs/graphql is an optional peer: the guard reads GraphQL contexts through Nest's
// ExecutionContext arguments, so no library file may import it (an app without it must boot).
it('no library file imports @nestjs/graphql or @nestjs/apollo', async () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const files = (await readdir(root, { recursive: true })).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'),
  );
  expect(files.length).toBeGreaterThan(20);
  const offenders: string[] = [];
  for (const file of files) {
    const source = await readFile(`${root}/${file}`, 'utf8');
    if (/from\s+['"]@nestjs\/(graphql|apollo)['"]|import\(\s*['"]@nestjs\/(graphql|apollo)['"]/.test(source))
      offenders.push(file);
  }
  expect(offenders).toEqual([]);
});
