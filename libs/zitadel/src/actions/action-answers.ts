// What ZITADEL reads from a function target's answer (internal/api/oidc ContextInfoResponse) and the
// error it forwards (internal/execution ErrorBody).

/** A claim to add to the token or userinfo. ZITADEL skips keys starting with `urn:zitadel:iam` and keys already set. */
export interface ZitadelAppendClaim {
  readonly key: string;
  readonly value: unknown;
}

/** User metadata to set; `value` is base64 (ZITADEL decodes it into bytes). */
export interface ZitadelSetUserMetadata {
  readonly key: string;
  readonly value: string;
}

/** A function target's answer (`preaccesstoken`, `preuserinfo`). */
export interface ZitadelFunctionAnswer {
  readonly append_claims?: readonly ZitadelAppendClaim[];
  /** Lines ZITADEL puts into the `urn:zitadel:iam:action:<function>:log` claim. */
  readonly append_log_claims?: readonly string[];
  readonly set_user_metadata?: readonly ZitadelSetUserMetadata[];
}

/** A `presamlresponse` target's answer: attributes to add to the SAML response. */
export interface ZitadelSamlFunctionAnswer {
  readonly append_attribute?: readonly {
    readonly name: string;
    readonly name_format?: string;
    readonly value: readonly string[];
  }[];
  readonly set_user_metadata?: readonly ZitadelSetUserMetadata[];
}

/** An error ZITADEL forwards to its caller, answered with status 200. */
export interface ZitadelForwardedError {
  /** 400 to 499 reach the caller as that status; anything else becomes a failed precondition. */
  readonly forwardedStatusCode: number;
  readonly forwardedErrorMessage: string;
}

/** The parts of a function answer, in the library's words. */
export interface ZitadelFunctionAnswerParts {
  /** Claims to add, by name. */
  claims?: Readonly<Record<string, unknown>>;
  /** Lines for the action log claim. */
  logClaims?: readonly string[];
  /** User metadata to set, by key: text (sent as its UTF-8 bytes) or bytes. */
  metadata?: Readonly<Record<string, string | Uint8Array>>;
}

/**
 * Builds a function target's answer: `append_claims`, `append_log_claims`, `set_user_metadata`.
 *
 * @example
 * return zitadelFunctionAnswer({ claims: { tenant: 'acme' }, logClaims: ['tenant added'] });
 */
export function zitadelFunctionAnswer(parts: ZitadelFunctionAnswerParts): ZitadelFunctionAnswer {
  const answer: { -readonly [K in keyof ZitadelFunctionAnswer]: ZitadelFunctionAnswer[K] } = {};
  if (parts.claims !== undefined) {
    answer.append_claims = Object.entries(parts.claims).map(([key, value]) => ({ key, value }));
  }
  if (parts.logClaims !== undefined) answer.append_log_claims = [...parts.logClaims];
  if (parts.metadata !== undefined) {
    answer.set_user_metadata = Object.entries(parts.metadata).map(([key, value]) => ({
      key,
      value: (typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value)).toString('base64'),
    }));
  }
  return answer;
}

/**
 * The answer that makes ZITADEL fail the call with this status and message (the target must be
 * `interruptOnError`). Answer it with status 200, as ZITADEL expects.
 *
 * @throws {RangeError} the status is not 400 to 499 (ZITADEL would turn it into a failed precondition).
 * @example
 * return zitadelForwardedError(403, 'Sign-ups from this domain are closed');
 */
export function zitadelForwardedError(status: number, message: string): ZitadelForwardedError {
  if (!Number.isInteger(status) || status < 400 || status > 499) {
    throw new RangeError('"status" must be 400 to 499: ZITADEL forwards only client errors');
  }
  return { forwardedStatusCode: status, forwardedErrorMessage: message };
}
