import type { EmulatorContext } from '../emulator-context.js';
import type { EmulatorRequest } from '../http-exchange.js';
import { GrpcCode, GrpcFailure, invalidField, lengthRule } from './grpc-status.js';
import type { ManagementState } from './management-state.js';
import type { ProtoMessage } from './proto-json.js';

/** What an emulated REST endpoint works with. */
export interface Call {
  readonly request: EmulatorRequest;
  readonly context: EmulatorContext;
  readonly state: ManagementState;
  /** The JSON body read as the request message (empty for GET and DELETE). */
  readonly body: ProtoMessage;
  /** Path parameters (`{id}`), URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
}

/** An endpoint: the JSON object it answers with 200, or a thrown {@link GrpcFailure}. */
export type Endpoint = (call: Call) => Record<string, unknown>;

interface StringRule {
  readonly min?: number;
  readonly max: number;
  readonly prefix?: string;
}

/**
 * A string field checked as its `validate.rules` say (lengths in runes).
 * @throws {GrpcFailure} 3 with protoc-gen-validate's text.
 */
export function checkString(message: string, field: string, value: string, rule: StringRule): string {
  const length = [...value].length;
  const min = rule.min ?? 0;
  if (length < min || length > rule.max) {
    throw invalidField(
      message,
      field,
      min === 0 ? `value length must be at most ${rule.max} runes` : lengthRule(min, rule.max),
    );
  }
  if (rule.prefix !== undefined && value !== '' && !value.startsWith(rule.prefix)) {
    throw invalidField(message, field, `value does not have prefix ${JSON.stringify(rule.prefix)}`);
  }
  return value;
}

/** A required message field. @throws {GrpcFailure} 3 "value is required". */
export function required(message: string, field: string, value: ProtoMessage | undefined): ProtoMessage {
  if (value === undefined) throw invalidField(message, field, 'value is required');
  return value;
}

/** Runs the checks of an embedded message, reporting a failure as protoc-gen-validate does. */
export function embedded<T>(message: string, field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof GrpcFailure && error.code === GrpcCode.invalidArgument && error.id === undefined) {
      throw invalidField(message, field, `embedded message failed validation | caused by: ${error.key}`);
    }
    throw error;
  }
}

/** An email address as ZITADEL's `EmailAddress.Validate` accepts it (roughly: one `@`, no spaces). */
export function checkEmailSyntax(email: string): void {
  if (!/^[^\s@]+@[^\s@]+$/.test(email))
    throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.User.Email.Invalid', 'EMU-Em4il');
}
