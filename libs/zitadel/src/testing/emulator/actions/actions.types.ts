/**
 * How the emulator calls a target, as ZITADEL does: `webhook` (only the status counts), `call`
 * (the answer is read: function answers), `async` (not awaited, its failure changes nothing).
 */
export type EmulatorTargetType = 'webhook' | 'call' | 'async';

/** Options of `emulator.actions.addTarget`. */
export interface AddTargetOptions {
  /** Unique in the instance. @default a generated name */
  readonly name?: string;
  /** The URL ZITADEL POSTs to. */
  readonly endpoint: string;
  /** @default 'call' */
  readonly type?: EmulatorTargetType;
  /** Milliseconds before the call is given up (ZITADEL allows 1 ms to 270 s). @default 10000 */
  readonly timeoutMs?: number;
  /** A failing call fails what triggered it (ignored for `async`, as ZITADEL does). @default false */
  readonly interruptOnError?: boolean;
  /**
   * `json`: the body as is; `jwt`: the body as the payload of a JWT signed with the instance's
   * current key (verify it against the emulator's JWKS). Both are signed with the target's key.
   * @default 'json'
   */
  readonly payloadType?: 'json' | 'jwt';
}

/** A target created by `emulator.actions.addTarget`: its id and the key its calls are signed with. */
export interface EmulatorTarget {
  readonly id: string;
  readonly name: string;
  /** The `ZITADEL-Signature` HMAC key, as `CreateTarget` hands it out. */
  readonly signingKey: string;
}

/**
 * When targets are called (an execution's condition): an event by type (`user.human.added`), a
 * group of events (`user.human` matches `user.human.*`), every event, or a function. (Request
 * and response executions can be stored over Connect; the emulator does not call them.)
 */
export type EmulatorExecutionCondition =
  | { readonly event: string }
  | { readonly eventGroup: string }
  | { readonly allEvents: true }
  | { readonly function: 'preaccesstoken' | 'preuserinfo' | 'presamlresponse' };

/** One call the emulator made to a target (`emulator.actions.calls()`), oldest first. */
export interface EmulatorActionCall {
  readonly targetId: string;
  readonly targetName: string;
  readonly targetType: EmulatorTargetType;
  /** What triggered it: `event/user.human.added`, `function/preaccesstoken`. */
  readonly condition: string;
  /** The execution whose targets were called (`event/user.human.*` for a group, `event` for all). */
  readonly executionId: string;
  /** The body sent, as sent (JSON text, or the JWT for the `jwt` payload type). */
  readonly body: string;
  /** The `ZITADEL-Signature` header sent. */
  readonly signature: string;
  /** The HTTP status of the answer; `undefined` when there was none (timeout, unreachable). */
  readonly status: number | undefined;
  /** `ok`, or why the call counts as failed in ZITADEL. */
  readonly outcome: 'ok' | 'failed' | 'forwarded_error' | 'timeout' | 'unreachable' | 'invalid_answer';
  /** The answer's body for a `call` target (text), else `undefined`. */
  readonly answer: string | undefined;
  /** Epoch milliseconds (the emulator's clock) when the call was made. */
  readonly at: number;
}
