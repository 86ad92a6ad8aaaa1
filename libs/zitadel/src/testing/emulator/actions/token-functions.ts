import { isRecord } from '../../../shared/is-record.js';
import type { UserInfo } from '../claims.js';
import type { EmulatorStore, UserRecord } from '../emulator-store.js';
import { managementState, MetaKey } from '../management/management-state.js';
import { metadataChanged } from './action-events.js';
import { functionContext } from './function-context.js';
import { wiringOf } from './wiring.js';

/** The functions ZITADEL calls while it builds tokens and userinfo. */
export type TokenFunction = 'preaccesstoken' | 'preuserinfo';

/** ZITADEL's reserved claim prefix (`ClaimPrefix`): claims a function may not add. */
const RESERVED_PREFIX = 'urn:zitadel:iam';

/** `ContextInfoResponse`, merged over the answers of the function's `call` targets. */
interface FunctionAnswer {
  setUserMetadata?: { key: string; value: Buffer }[];
  appendClaims?: { key: string; value: unknown }[];
  appendLogClaims?: string[];
}

/**
 * Runs a function's targets for a user's claims (`userinfoFlows`, `internal/api/oidc/userinfo.go`)
 * and applies the merged answer: `set_user_metadata` sets the user's metadata (a failure is
 * logged in the claims), `append_claims` adds claims that neither exist yet nor start with
 * `urn:zitadel:iam` (an existing one is logged as `key "x" already exists`), `append_log_claims`
 * are logged; the log goes to `urn:zitadel:iam:action:function/<name>:log`.
 *
 * @returns the claims to add beneath the ones already built (registered claims keep their values).
 * @throws {TargetFailure} a target that interrupts on error failed.
 */
export async function runTokenFunction(
  store: EmulatorStore,
  fn: TokenFunction,
  user: UserRecord,
  info: UserInfo,
): Promise<Record<string, unknown>> {
  const wiring = wiringOf(store);
  if (wiring === undefined) return {};
  const conditionId = `function/${fn}`;
  const context = functionContext(store, wiring.clock, conditionId, user, info);
  const answer: FunctionAnswer = {};
  let answered = false;
  const body = () => Buffer.from(JSON.stringify(answered ? { ...context, response: wire(answer) } : context), 'utf8');
  const matched = await wiring.runtime.callAll(conditionId, body, (bytes) => {
    const parsed = readAnswer(bytes);
    if (parsed === undefined) return false;
    Object.assign(answer, parsed);
    answered = true;
    return true;
  });
  if (!matched) return {};
  const added: Record<string, unknown> = {};
  const logs: string[] = [];
  const state = managementState(store, wiring.clock);
  for (const { key, value } of answer.setUserMetadata ?? []) {
    // `SetUserMetadata` refuses an empty key or value.
    if (key === '' || value.length === 0 || !store.users.has(user.id)) {
      logs.push(`failed to set user metadata key ${JSON.stringify(key)}`);
      continue;
    }
    let stored = state.userMetadata.get(user.id);
    if (stored === undefined) state.userMetadata.set(user.id, (stored = new Map()));
    const now = state.now();
    stored.set(key, { value, createdAt: stored.get(key)?.createdAt ?? now, changedAt: now });
    state.touch(MetaKey.user(user.id));
    metadataChanged(store, user, key, value);
  }
  for (const { key, value } of answer.appendClaims ?? []) {
    if (key.startsWith(RESERVED_PREFIX)) continue;
    const existing = key in added ? added[key] : info.claims[key];
    if (existing === undefined || existing === null) added[key] = value;
    else logs.push(`key ${JSON.stringify(key)} already exists`);
  }
  logs.push(...(answer.appendLogClaims ?? []));
  if (logs.length > 0) added[`urn:zitadel:iam:action:${conditionId}:log`] = logs;
  return added;
}

/** The answer so far as ZITADEL marshals it back into the next target's context (`response`). */
function wire(answer: FunctionAnswer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (answer.setUserMetadata?.length)
    out['set_user_metadata'] = answer.setUserMetadata.map(({ key, value }) => ({
      key,
      value: value.toString('base64'),
    }));
  if (answer.appendClaims?.length) out['append_claims'] = answer.appendClaims;
  if (answer.appendLogClaims?.length) out['append_log_claims'] = answer.appendLogClaims;
  return out;
}

/**
 * `SetHTTPResponseBody`: the answer must be JSON that unmarshals into `ContextInfoResponse`;
 * the fields it holds replace the ones of earlier answers. `undefined` for anything else.
 */
function readAnswer(bytes: Buffer): FunctionAnswer | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null) return {};
  if (!isRecord(parsed)) return undefined;
  const fields = parsed;
  const result: FunctionAnswer = {};
  const metadata = list(fields['set_user_metadata'], (item) => {
    if (!isRecord(item) || !optionalString(item['key']) || !optionalString(item['value'])) return undefined;
    const value = typeof item['value'] === 'string' ? item['value'] : '';
    // Go decodes `[]byte` from standard base64 only.
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value)) return undefined;
    return { key: typeof item['key'] === 'string' ? item['key'] : '', value: Buffer.from(value, 'base64') };
  });
  const claims = list(fields['append_claims'], (item) =>
    isRecord(item) && optionalString(item['key'])
      ? { key: typeof item['key'] === 'string' ? item['key'] : '', value: item['value'] }
      : undefined,
  );
  const logs = list(fields['append_log_claims'], (item) => (typeof item === 'string' ? item : undefined));
  if (metadata === false || claims === false || logs === false) return undefined;
  if (metadata !== undefined) result.setUserMetadata = metadata;
  if (claims !== undefined) result.appendClaims = claims;
  if (logs !== undefined) result.appendLogClaims = logs;
  return result;
}

/** A JSON array field read item by item: `undefined` when absent or null, `false` when malformed. */
function list<T>(value: unknown, item: (value: unknown) => T | undefined): T[] | undefined | false {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return false;
  const items: T[] = [];
  for (const entry of value) {
    const read = item(entry);
    if (read === undefined) return false;
    items.push(read);
  }
  return items;
}

function optionalString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}
