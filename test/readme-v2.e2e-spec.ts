// The README's "ZITADEL's v2 APIs" snippet, run as written: its code is extracted from README.md,
// written to a module, imported, and its `Directory` provider is called through a Nest testing
// module whose ZitadelModule points at the emulator. A change of what the snippet does (a renamed
// method, another error class) fails here, not only a change of its types.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ZitadelModule } from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository, so that the snippet's imports resolve as they do for the tests.
const OUT = join(ROOT, 'test', '.readme-v2');

/** The ```ts blocks of the README's section that starts with `heading`. */
function sectionBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const next = markdown.indexOf('\n## ', start + heading.length + 2);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? '');
}

/** What the snippet is expected to export: its class, as the snippet declares it. */
interface DirectoryLike {
  nameOf(userId: string): Promise<string | undefined>;
  everyone(orgId: string): Promise<string[]>;
}

let zitadel: ZitadelEmulator;
let app: INestApplication;
let directory: DirectoryLike;

beforeAll(async () => {
  const blocks = sectionBlocks(await readFile(join(ROOT, 'README.md'), 'utf8'), "## ZITADEL's v2 APIs");
  if (blocks.length !== 1) throw new Error(`the v2 section should have one ts block, it has ${blocks.length}`);
  await mkdir(OUT, { recursive: true });
  const file = join(OUT, `directory-${process.pid}.ts`);
  await writeFile(file, blocks[0] ?? '');
  const snippet = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
  await rm(file, { force: true });
  const Directory = snippet['Directory'];
  if (typeof Directory !== 'function') throw new Error("the README's v2 snippet exports no class Directory");

  zitadel = await ZitadelEmulator.start();
  const worker = zitadel.createServiceUser({ userName: 'directory-reader' });
  zitadel.addOrgMember(zitadel.defaultOrg.id, worker.userId, ['ORG_USER_MANAGER']);
  const moduleRef = await Test.createTestingModule({
    imports: [
      ZitadelModule.forRoot({
        issuer: zitadel.issuer,
        serviceUser: { key: await zitadel.addServiceUserKey(worker.userId) },
      }),
    ],
    providers: [Directory as new (...args: never[]) => DirectoryLike],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  directory = app.get<DirectoryLike>(Directory as new (...args: never[]) => DirectoryLike);
});
afterAll(async () => {
  await app?.close();
  await zitadel?.close();
  await rm(OUT, { recursive: true, force: true });
});

describe("the README's v2 snippet, run against the emulator", () => {
  it('nameOf answers the user name of an existing user', async () => {
    const ada = zitadel.createHumanUser({ userName: 'ada' });
    expect(await directory.nameOf(ada.userId)).toBe('ada');
  });

  it('nameOf answers undefined for an unknown user (ZITADEL’s not_found)', async () => {
    expect(await directory.nameOf('123456789012345678')).toBeUndefined();
    expect(zitadel.requests.filter((r) => r.endpoint === 'management').at(-1)?.status).toBe(404);
  });

  it('nameOf lets other errors through', async () => {
    zitadel.injectFault({ endpoint: 'management', status: 403, body: { code: 'permission_denied', message: 'no' } });
    try {
      await expect(directory.nameOf('123456789012345678')).rejects.toMatchObject({ connectCode: 'permission_denied' });
    } finally {
      zitadel.clearFaults();
    }
  });

  it('everyone pages through the organisation’s users', async () => {
    const org = zitadel.defaultOrg.id;
    for (const name of ['grace', 'hedy', 'katherine']) zitadel.createHumanUser({ userName: name });
    const names = await directory.everyone(org);
    expect(names).toEqual(expect.arrayContaining(['directory-reader', 'grace', 'hedy', 'katherine']));
    const calls = zitadel.requests.filter((r) => r.path === '/zitadel.user.v2.UserService/ListUsers');
    expect(calls.length).toBeGreaterThanOrEqual(1);
  });
});
