import { sign } from 'node:crypto';
import { isRecord } from '../../../shared/is-record.js';
import { actionState, type TargetRecord } from '../connect/services/action-state.js';
import type { EmulatorStore } from '../emulator-store.js';
import type { EmulatorClock } from '../emulator.types.js';
import type { SigningKeys } from '../signing-keys.js';
import type { EmulatorActionCall, EmulatorTargetType } from './actions.types.js';
import { bestMatch } from './execution-match.js';
import { signatureHeader } from './signature.js';
import { callTarget } from './target-call.js';
import { EXECUTION_FAILED, forwardedStatus, INTERNAL, TargetFailure } from './target-failure.js';

const TARGET_TYPES: Readonly<Record<TargetRecord['type'], EmulatorTargetType>> = {
  restWebhook: 'webhook',
  restCall: 'call',
  restAsync: 'async',
};

/** How one target call ended, for the caller of the targets. */
type TargetOutcome = { readonly answer: Buffer | undefined } | { readonly failure: TargetFailure };

/**
 * Calls an instance's targets as ZITADEL's `execution.CallTargets` does: in order, each call
 * signed with its target's key, a failure stopping the rest (and failing the trigger) only when
 * the target interrupts on error. Every call is recorded; `settled` waits for the ones still
 * running (events are delivered in the background, as ZITADEL's queue worker does).
 */
export class ActionRuntime {
  private readonly log: EmulatorActionCall[] = [];
  private readonly running = new Set<Promise<unknown>>();
  /** Events are delivered one after another, in the order they happened. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: EmulatorStore,
    private readonly clock: EmulatorClock,
    private readonly keys: SigningKeys,
  ) {}

  /** The calls made so far, oldest first (a snapshot). */
  get calls(): readonly EmulatorActionCall[] {
    return [...this.log];
  }

  clearCalls(): void {
    this.log.length = 0;
  }

  /** Resolves when no event delivery and no async call is running any more. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled(this.running);
  }

  /** Queues the delivery of an event body to the targets of the best matching event execution. */
  deliver(conditionId: string, body: Buffer): void {
    const matched = bestMatch(actionState(this.store), conditionId);
    if (matched === undefined || matched.targets.length === 0) return;
    const delivery = this.queue.then(async () => {
      for (const target of matched.targets) {
        const outcome = await this.call(target, body, conditionId, matched.executionId);
        // The worker cancels the job: later targets are not called.
        if ('failure' in outcome && target.interruptOnError) return;
      }
    });
    this.queue = delivery;
    this.track(delivery);
  }

  /**
   * Calls the targets of a condition in order and collects the `call` targets' answers, each
   * body built afresh (a function's context carries the answer so far).
   *
   * @param accept takes a `call` target's answer in; `false` when it is not what ZITADEL can read.
   * @returns whether an execution matched.
   * @throws {TargetFailure} a target that interrupts on error failed.
   */
  async callAll(conditionId: string, body: () => Buffer, accept: (answer: Buffer) => boolean): Promise<boolean> {
    const matched = bestMatch(actionState(this.store), conditionId);
    if (matched === undefined) return false;
    for (const target of matched.targets) {
      const outcome = await this.call(target, body(), conditionId, matched.executionId);
      if ('failure' in outcome) {
        if (target.interruptOnError) throw outcome.failure;
        continue;
      }
      if (outcome.answer === undefined || outcome.answer.length === 0) continue;
      // `SetHTTPResponseBody`: an answer that is not the expected JSON fails only an interrupting target.
      if (!accept(outcome.answer) && target.interruptOnError) throw new TargetFailure(400, EXECUTION_FAILED);
    }
    return true;
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => undefined).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** `CallTarget`: the payload per type, then webhook (status), call (answer) or async (not awaited). */
  private async call(
    target: TargetRecord,
    json: Buffer,
    condition: string,
    executionId: string,
  ): Promise<TargetOutcome> {
    const body = target.payloadType === 'jwt' ? Buffer.from(this.jws(json), 'utf8') : json;
    const exchange = this.exchange(target, body, condition, executionId);
    if (target.type === 'restAsync') {
      this.track(exchange);
      return { answer: undefined };
    }
    const outcome = await exchange;
    return target.type === 'restWebhook' && !('failure' in outcome) ? { answer: undefined } : outcome;
  }

  /** One HTTP call and `HandleResponse`: 2xx is success unless it forwards an error; anything else fails. */
  private async exchange(
    target: TargetRecord,
    body: Buffer,
    condition: string,
    executionId: string,
  ): Promise<TargetOutcome> {
    const at = this.clock.now();
    // One key per target: ZITADEL signs with the target's current key (`CallTarget`).
    const signature = signatureHeader(at, body, [target.signingKey]);
    const result = await callTarget(
      { endpoint: target.endpoint, body, signature, timeoutMs: target.timeoutMs },
      this.clock,
    );
    const record = (
      outcome: EmulatorActionCall['outcome'],
      status: number | undefined,
      answer: Buffer | undefined,
    ): void => {
      this.log.push({
        targetId: target.id,
        targetName: target.name,
        targetType: TARGET_TYPES[target.type],
        condition,
        executionId,
        body: body.toString('utf8'),
        signature,
        status,
        outcome,
        answer: target.type === 'restCall' && answer !== undefined ? answer.toString('utf8') : undefined,
        at,
      });
    };
    if (result.kind !== 'answered') {
      record(result.kind, undefined, undefined);
      return { failure: new TargetFailure(500, INTERNAL) };
    }
    if (result.status < 200 || result.status > 299) {
      record('failed', result.status, result.answer);
      return { failure: new TargetFailure(400, EXECUTION_FAILED) };
    }
    const forwarded = forwardedError(result.answer);
    record(forwarded === undefined ? 'ok' : 'forwarded_error', result.status, result.answer);
    return forwarded === undefined ? { answer: result.answer } : { failure: forwarded };
  }

  /** `payloadJWT`: the JSON body as the payload of a JWS signed with the instance's current key. */
  private jws(payload: Buffer): string {
    const key = this.keys.current;
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: key.kid, typ: 'JWT' })).toString('base64url');
    const input = `${header}.${payload.toString('base64url')}`;
    return `${input}.${sign('sha256', Buffer.from(input, 'latin1'), key.privateKey).toString('base64url')}`;
  }
}

/**
 * `ErrorBody` of `HandleResponse`: a 2xx JSON answer with `forwardedStatusCode` or
 * `forwardedErrorMessage` is an error: a 4xx keeps its kind, anything else is a precondition failure.
 */
function forwardedError(answer: Buffer): TargetFailure | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const { forwardedStatusCode: code, forwardedErrorMessage: message } = parsed;
  // A field of the wrong type makes Go's Unmarshal fail: the answer then counts as a success.
  if ((code !== undefined && !Number.isInteger(code)) || (message !== undefined && typeof message !== 'string'))
    return undefined;
  const status = typeof code === 'number' ? code : 0;
  const text = typeof message === 'string' ? message : '';
  if (status === 0 && text === '') return undefined;
  return new TargetFailure(status >= 400 && status < 500 ? forwardedStatus(status) : 400, text);
}
