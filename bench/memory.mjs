// The memory scenario's measured process: 1,000,000 distinct valid JWT access tokens through
// ZitadelAuthGuard.canActivate, in process (no HTTP: the HTTP stack's memory is not the
// question), with Nest's own ExecutionContextHost around a minimal request, as Nest builds it for
// a route. Tokens are minted by bench/signer.mjs child processes and arrive in batches with
// back-pressure (at most two batches waiting per signer), so the queue stays small and flat.
//
// BENCH_MEMORY_CONFIG: { issuer, projectId, apiApplication, jwtMaxEntries, tokens, signers,
//   batchSize, concurrency, signer: { privateKeyPem, header, claims, lifetimeSeconds } }
// Reports over IPC: RSS and live heap at checkpoints, the peak RSS (kernel high-water mark), the
// verified-token cache's size, tokens per second.
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { ZitadelAuthGuard, ZitadelModule, ZitadelTokenValidator } from 'nestjs-zitadel';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decorateMethod } from './lib/decorate.mjs';

const config = JSON.parse(process.env['BENCH_MEMORY_CONFIG'] ?? '{}');
const MB = 1024 * 1024;

class MemoryController {
  me() {
    return { ok: true };
  }
}
decorateMethod(MemoryController, 'me', Get('me'));
Controller()(MemoryController);

class MemoryModule {}
Module({
  imports: [
    ZitadelModule.forRoot({
      issuer: config.issuer,
      projectId: config.projectId,
      apiApplication: config.apiApplication,
      tokenValidation: 'auto',
      jwt: { cache: { maxEntries: config.jwtMaxEntries } },
      introspection: { cache: { maxEntries: config.introspectionMaxEntries } },
    }),
  ],
  controllers: [MemoryController],
  providers: [ZitadelAuthGuard],
})(MemoryModule);

const app = await NestFactory.createApplicationContext(MemoryModule, { logger: ['error', 'warn'] });
const guard = app.get(ZitadelAuthGuard);
const validator = app.get(ZitadelTokenValidator);
const handler = MemoryController.prototype.me;
const response = {};
const next = () => undefined;
const expectedSub = config.signer.claims.sub;
let failures = 0;
let firstFailure;

/** One request through the guard, as Nest runs it for `GET /me`. */
async function pass(token) {
  const authorization = `Bearer ${token}`;
  const request = { headers: { authorization }, rawHeaders: ['Authorization', authorization] };
  try {
    const allowed = await guard.canActivate(
      new ExecutionContextHost([request, response, next], MemoryController, handler),
    );
    if (allowed !== true || request.user?.sub !== expectedSub)
      throw new Error(`guard answered ${allowed} for ${request.user?.sub}`);
  } catch (error) {
    failures++;
    firstFailure ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

/** The verified-token cache's size: an internal field, read only to report it (undefined if renamed). */
function cacheSize() {
  const cache = validator['verified'];
  return typeof cache?.size === 'number' ? cache.size : undefined;
}

function sample(processed, label) {
  const rss = process.memoryUsage.rss();
  globalThis.gc?.();
  const { heapUsed, external } = process.memoryUsage();
  return {
    label,
    processed,
    rssMB: rss / MB,
    liveHeapMB: heapUsed / MB,
    externalMB: external / MB,
    cacheEntries: cacheSize(),
  };
}

// Signers and their batches.
const signerScript = fileURLToPath(new URL('./signer.mjs', import.meta.url));
const per = Math.ceil(config.tokens / config.signers);
const queue = [];
let wake;
const signers = [];
for (let i = 0; i < config.signers; i++) {
  const start = i * per;
  const end = Math.min(config.tokens, start + per);
  const child = fork(signerScript, {
    env: {
      ...process.env,
      BENCH_SIGNER_CONFIG: JSON.stringify({ ...config.signer, start, end, batchSize: config.batchSize }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const signer = { child, done: start >= end, outstanding: 0 };
  child.on('message', (message) => {
    if (message.type === 'ready') {
      for (let k = 0; k < 2 && !signer.done; k++) ask(signer);
    } else if (message.type === 'batch') {
      signer.outstanding--;
      if (message.done) signer.done = true;
      if (message.tokens !== '') queue.push({ signer, tokens: message.tokens.split('\n') });
      wake?.();
    }
  });
  signers.push(signer);
}

function ask(signer) {
  signer.outstanding++;
  signer.child.send({ type: 'more' });
}

async function nextBatch() {
  for (;;) {
    const item = queue.shift();
    if (item !== undefined) return item;
    if (signers.every((s) => s.done && s.outstanding === 0)) return undefined;
    await new Promise((resolve) => (wake = resolve));
  }
}

const checkpoints = new Set([
  1,
  config.jwtMaxEntries,
  2 * config.jwtMaxEntries,
  100_000,
  250_000,
  500_000,
  750_000,
  config.tokens,
]);
const samples = [sample(0, 'after boot')];
let processed = 0;
let peakSampledRss = 0;
// Peak RSS in each tenth of the run: a cache that grew with the tokens would show a rising series.
const tenth = Math.max(1, Math.ceil(config.tokens / 10));
const peakPerTenth = Array.from({ length: 10 }, () => 0);
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss();
  peakSampledRss = Math.max(peakSampledRss, rss);
  const slot = Math.min(9, Math.floor(processed / tenth));
  peakPerTenth[slot] = Math.max(peakPerTenth[slot], rss);
}, 100);
const started = performance.now();
let waitedMs = 0;

for (;;) {
  const waitStart = performance.now();
  const item = await nextBatch();
  waitedMs += performance.now() - waitStart;
  if (item === undefined) break;
  if (!item.signer.done) ask(item.signer);
  const { tokens } = item;
  // The first token alone: it loads discovery and the JWKS, and gives the empty-cache baseline.
  let index = 0;
  if (processed === 0) {
    await pass(tokens[index++]);
    processed = 1;
    samples.push(sample(1, 'first token verified (JWKS loaded)'));
  }
  const workers = [];
  for (let w = 0; w < config.concurrency; w++) {
    workers.push(
      (async () => {
        while (index < tokens.length) {
          const token = tokens[index++];
          await pass(token);
          processed++;
          if (checkpoints.has(processed) && processed > 1)
            samples.push(sample(processed, `${processed.toLocaleString('en-US')} tokens`));
        }
      })(),
    );
  }
  await Promise.all(workers);
}
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const peakRss = Math.max(peakSampledRss, process.resourceUsage().maxRSS * 1024);

for (const signer of signers) signer.child.send({ type: 'close' });
await app.close();
process.send({
  type: 'result',
  result: {
    tokens: processed,
    failures,
    firstFailure,
    seconds,
    tokensPerSecond: processed / seconds,
    secondsWaitingForSigners: waitedMs / 1000,
    peakRssMB: peakRss / MB,
    peakRssPerTenthMB: peakPerTenth.map((bytes) => bytes / MB),
    samples,
  },
});
process.on('message', (message) => {
  if (message?.type === 'close') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
