import type { EmulatorClock } from '../emulator.types.js';
import { SIGNATURE_HEADER } from './signature.js';

/** Most bytes of a target's answer the emulator reads (ZITADEL reads all; a test target answers little). */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** How one HTTP call to a target ended. */
export type TargetCallResult =
  | { readonly kind: 'answered'; readonly status: number; readonly answer: Buffer }
  | { readonly kind: 'unreachable'; readonly message: string }
  | { readonly kind: 'timeout' };

/** What a call needs: where, what, with which signature header, for how long. */
export interface TargetCallRequest {
  readonly endpoint: string;
  readonly body: Buffer;
  /** The `ZITADEL-Signature` value. */
  readonly signature: string;
  readonly timeoutMs: number;
}

/** Resolves after `ms` on the emulator's clock when it can wait (a `ManualClock`), else on real time. */
function wait(clock: EmulatorClock, ms: number, signal: AbortSignal): Promise<void> {
  if (clock.sleep !== undefined) return clock.sleep(ms);
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });
}

/**
 * `execution.Call` (`internal/execution/execution.go`): a POST of the body with
 * `Content-Type: application/json` and the signature header, cancelled after the target's
 * timeout. Redirects are followed, as Go's default client does.
 */
export async function callTarget(request: TargetCallRequest, clock: EmulatorClock): Promise<TargetCallResult> {
  const abort = new AbortController();
  const exchange = (async (): Promise<TargetCallResult> => {
    try {
      const response = await fetch(request.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: request.signature },
        body: request.body,
        signal: abort.signal,
        redirect: 'follow',
      });
      return { kind: 'answered', status: response.status, answer: await readCapped(response) };
    } catch (error) {
      if (abort.signal.aborted) return { kind: 'timeout' };
      return { kind: 'unreachable', message: error instanceof Error ? error.message : 'fetch failed' };
    }
  })();
  const timeout = wait(clock, request.timeoutMs, abort.signal).then((): TargetCallResult => ({ kind: 'timeout' }));
  const result = await Promise.race([exchange, timeout]);
  abort.abort();
  return result;
}

async function readCapped(response: Response): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body === null) return Buffer.alloc(0);
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) throw new Error('answer too large');
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
