// The README's Actions v2 snippets run as written: "## Actions v2" (the `ZitadelHooks` controller,
// the `verifyZitadelSignature` check and the three lines of `useZitadelActionBodyParser`) and
// "### Actions targets in the emulator". Their blocks are extracted from README.md; only the
// README's placeholders are replaced (each checked to be present): the `declare`d inputs of the
// signature check by values, the listening port by 0, the target's endpoint by a loopback server
// that records the call. A snippet that needs imports from the user's own files (the AppModule)
// gets them prepended, and one whose values the test reads gets an `export` appended.
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger, type INestApplication } from '@nestjs/common';
import { verifyZitadelSignature } from 'nestjs-zitadel';
import { saveGlobalLogger } from './support/global-logger.js';
import { RecordingLogger } from './support/nest-app.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'test', `.readme-actions-${process.pid}`);
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README's section under `heading` (`## X` or `### X`), up to the next heading of any level. */
function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const rest = README.slice(start + heading.length + 2);
  const next = /^#{2,3} /m.exec(rest);
  return next === null ? rest : rest.slice(0, next.index);
}

/** The one ```ts block (at any indentation, e.g. in a list item) of a section that contains `marker`. */
function block(heading: string, marker: string): string {
  const found = [...section(heading).matchAll(/^( *)```ts\n([\s\S]*?)^\1```/gm)]
    .map(([, indent = '', code = '']) =>
      code
        .split('\n')
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
        .join('\n'),
    )
    .filter((code) => code.includes(marker));
  if (found.length !== 1)
    throw new Error(`"${heading}" should have one ts block with ${marker}, it has ${found.length}`);
  return found[0] ?? '';
}

/** `code` with each placeholder replaced (each must be there). */
function replaced(name: string, code: string, placeholders: Record<string, string>): string {
  let text = code;
  for (const [placeholder, value] of Object.entries(placeholders)) {
    if (!text.includes(placeholder)) throw new Error(`the README's ${name} no longer has ${placeholder}`);
    text = text.replaceAll(placeholder, value);
  }
  return text;
}

/** Writes a module under the test's folder and imports it (a new name each time: a module runs once). */
async function load(name: string, code: string): Promise<unknown> {
  const file = join(OUT, `${name}.ts`);
  writeFileSync(file, code);
  return import(/* @vite-ignore */ file);
}

const sign = (key: string, t: number, body: string): string =>
  `t=${t},v1=${createHmac('sha256', key).update(`${t}.${body}`).digest('hex')}`;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Captures what `new Logger(context)` writes (the snippets log through Nest's global logger). */
function captureLogs(): { logs: RecordingLogger; restore: () => void } {
  const restore = saveGlobalLogger();
  const logs = new RecordingLogger();
  Logger.overrideLogger(logs);
  return { logs, restore };
}

beforeAll(() => {
  mkdirSync(OUT, { recursive: true });
});
afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
});

describe('README "Actions v2": verifyZitadelSignature', () => {
  const code = block('## Actions v2', 'verifyZitadelSignature(');
  const BODY = '{"event_type":"user.human.added", "sequence":4}';

  /** Runs the snippet on a body and header; what it logged. */
  async function run(name: string, header: string | undefined): Promise<string[]> {
    const input = `signature-input-${name}`;
    writeFileSync(
      join(OUT, `${input}.ts`),
      `export const rawBody = Buffer.from(${JSON.stringify(BODY)});\n` +
        `export const header: string | undefined = ${header === undefined ? 'undefined' : JSON.stringify(header)};\n`,
    );
    const { logs, restore } = captureLogs();
    try {
      await load(
        `signature-${name}`,
        replaced('verifyZitadelSignature snippet', code, {
          'declare const rawBody: Buffer;\n': '',
          "declare const header: string | undefined; // request.headers['zitadel-signature']\n": `import { rawBody, header } from './${input}.js';\n`,
        }),
      );
    } finally {
      restore();
    }
    return logs.lines;
  }

  it("logs when ZITADEL signed the raw body with the README's key", async () => {
    const t = nowSeconds();
    expect(await run('valid', sign('signing-key', t, BODY))).toEqual([
      `signed by ZITADEL at ${new Date(t * 1000).toISOString()} ZitadelHooks`,
    ]);
  });

  it('logs the reason of a refusal: mismatch, stale, missing, malformed', async () => {
    expect(await run('mismatch', sign('another-key', nowSeconds(), BODY))).toEqual(['refused: mismatch ZitadelHooks']);
    expect(await run('stale', sign('signing-key', nowSeconds() - 3600, BODY))).toEqual(['refused: stale ZitadelHooks']);
    expect(await run('missing', undefined)).toEqual(['refused: missing ZitadelHooks']);
    expect(await run('malformed', 'v1=abc')).toEqual(['refused: malformed ZitadelHooks']);
  });
});

describe('README "Actions v2": the ZitadelHooks controller behind useZitadelActionBodyParser', () => {
  const MODULE_KEY = 'module-signing-key-of-the-events-target';
  const ROUTE_KEY = 'signing-key-of-the-preaccesstoken-target';
  // Bytes as ZITADEL may send them (spaces Go's json.Marshal would not write): only these verify.
  const EVENT =
    '{"aggregateID":"312", "event_type":"user.human.added","sequence":4,"event_payload":{"userName":"ada"}}';
  const FUNCTION = '{"function":"function/preaccesstoken","user":{"id":"7"},"org":{"id":"9","name":"acme"}}';
  let app: INestApplication;
  let url: string;
  let restoreLogger: () => void;

  beforeAll(async () => {
    // The controller reads its route's key from the environment when its module loads.
    const previous = process.env['ZITADEL_PREACCESSTOKEN_SIGNING_KEY'];
    process.env['ZITADEL_PREACCESSTOKEN_SIGNING_KEY'] = ROUTE_KEY;
    try {
      await load('hooks', block('## Actions v2', 'export class ZitadelHooks'));
    } finally {
      if (previous === undefined) delete process.env['ZITADEL_PREACCESSTOKEN_SIGNING_KEY'];
      else process.env['ZITADEL_PREACCESSTOKEN_SIGNING_KEY'] = previous;
    }
    // The user's AppModule: the module's key for the events target, the guard global; no rawBody: true.
    writeFileSync(
      join(OUT, 'app.module.ts'),
      [
        "import { Module } from '@nestjs/common';",
        "import { APP_GUARD } from '@nestjs/core';",
        "import { ZitadelAuthGuard, ZitadelModule } from 'nestjs-zitadel';",
        "import { ZitadelHooks } from './hooks.js';",
        '@Module({',
        '  imports: [',
        `    ZitadelModule.forRoot({ issuer: 'http://127.0.0.1:9', projectId: '1', tokenValidation: 'jwt', actions: { signingKeys: [${JSON.stringify(MODULE_KEY)}] } }),`,
        '  ],',
        '  controllers: [ZitadelHooks],',
        '  providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],',
        '})',
        'export class AppModule {}',
        '',
      ].join('\n'),
    );
    const code = replaced('useZitadelActionBodyParser snippet', block('## Actions v2', 'useZitadelActionBodyParser('), {
      'await app.listen(3000);': "await app.listen(0, '127.0.0.1');",
    });
    restoreLogger = captureLogs().restore; // NestFactory.create logs its start-up
    const snippet = (await load(
      'main',
      "import { NestFactory } from '@nestjs/core';\n" +
        "import { useZitadelActionBodyParser } from 'nestjs-zitadel';\n" +
        "import { AppModule } from './app.module.js';\n" +
        `${code}\nexport { app };\n`,
    )) as { app: INestApplication };
    app = snippet.app;
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    restoreLogger?.();
  });

  async function post(path: string, body: string, signature?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature !== undefined) headers['zitadel-signature'] = signature;
    const response = await fetch(`${url}${path}`, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  it("answers an event signed with the module's key over the bytes received, no bearer token asked", async () => {
    expect(await post('/zitadel/events', EVENT, sign(MODULE_KEY, nowSeconds(), EVENT))).toEqual({
      status: 201,
      body: { received: 'user.human.added' },
    });
  });

  it("answers a preaccesstoken call signed with the route's key with the tenant claim", async () => {
    expect(await post('/zitadel/preaccesstoken', FUNCTION, sign(ROUTE_KEY, nowSeconds(), FUNCTION))).toEqual({
      status: 201,
      body: { append_claims: [{ key: 'tenant', value: '9' }], append_log_claims: ['tenant added'] },
    });
  });

  it('refuses unsigned calls and calls signed with the other target’s key with 401', async () => {
    expect((await post('/zitadel/events', EVENT)).status).toBe(401);
    expect((await post('/zitadel/preaccesstoken', FUNCTION, sign(MODULE_KEY, nowSeconds(), FUNCTION))).status).toBe(
      401,
    );
  });
});

describe('README "Actions targets in the emulator"', () => {
  let target: Server;
  const received: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    target = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => target.close(() => resolve())));

  it("calls the webhook for user.human.added, signed with the target's key, and lists the call", async () => {
    const { port } = target.address() as AddressInfo;
    const code = replaced(
      'Actions targets snippet',
      block('### Actions targets in the emulator', 'actions.addTarget('),
      { "'http://127.0.0.1:3000/zitadel/events'": JSON.stringify(`http://127.0.0.1:${port}/zitadel/events`) },
    );
    const printed: unknown[][] = [];
    const info = vi.spyOn(console, 'info').mockImplementation((...args: unknown[]) => void printed.push(args));
    let hook: { signingKey: string };
    try {
      ({ hook } = (await load('emulator-actions', `${code}\nexport { hook };\n`)) as { hook: { signingKey: string } });
    } finally {
      info.mockRestore();
    }
    expect(printed).toEqual([[[['event/user.human.added', 200, 'ok']]]]);
    expect(received).toHaveLength(1);
    const call = received[0];
    expect(call).toMatchObject({ method: 'POST', url: '/zitadel/events' });
    const body = JSON.parse(call?.body ?? '') as { event_type?: string; event_payload?: { userName?: string } };
    expect(body).toMatchObject({ event_type: 'user.human.added', event_payload: { userName: 'ada' } });
    const signature = call?.headers['zitadel-signature'];
    expect(() => verifyZitadelSignature(Buffer.from(call?.body ?? ''), signature, [hook.signingKey])).not.toThrow();
  });
});
