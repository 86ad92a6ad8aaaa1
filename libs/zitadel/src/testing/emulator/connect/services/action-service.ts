import { randomInt } from 'node:crypto';
import { authenticate } from '../../management/authorization.js';
import { checkString, embedded, type Call } from '../../management/call.js';
import { GrpcCode, GrpcFailure, invalidField } from '../../management/grpc-status.js';
import type { ProtoMessage } from '../../management/proto-json.js';
import type { EmulatedConnectService } from '../connect-service.js';
import { actionState, type ExecutionRecord, type TargetRecord, type TargetType } from './action-state.js';
import { requireInstancePermission, type InstancePermission } from './instance-permissions.js';
import { paginate, readPagination, requiredOneof, textFilter } from './resource-pagination.js';

// Actions v2 targets and executions as stored state; `../../actions/` calls them.

const TARGET_TYPES: readonly TargetType[] = ['restWebhook', 'restCall', 'restAsync'];
/** The functions an execution can hook (`ListExecutionFunctions`). */
const FUNCTIONS = ['preuserinfo', 'preaccesstoken', 'presamlresponse'];
const MAX_TIMEOUT_MS = 270_000;

function caller(call: Call, permission: InstancePermission): void {
  requireInstancePermission(call.context, authenticate(call.request, call.context), permission);
}

/** A `google.protobuf.Duration` in proto3 JSON (`"10s"`, `"1.5s"`), in milliseconds; `undefined` when absent. */
function durationMs(body: ProtoMessage, field: string): number | undefined {
  if (!body.has(field)) return undefined;
  const text = body.string(field);
  const match = /^(-?)(\d{1,12})(?:\.(\d{1,9}))?s$/.exec(text);
  if (match === null)
    throw new GrpcFailure(GrpcCode.invalidArgument, `proto: (${field}): invalid google.protobuf.Duration value`);
  const ms = Number(match[2]) * 1000 + Math.floor(Number(`0.${match[3] ?? '0'}`) * 1000);
  return match[1] === '-' ? -ms : ms;
}

/** A duration as protojson writes it: seconds, with 3 fractional digits when not whole. */
function durationJson(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}s`;
}

/** ZITADEL's signing key generator: random letters and digits (length of its default config, 32, not confirmed). */
export function newSigningKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let key = '';
  for (let i = 0; i < 32; i++) key += alphabet[randomInt(alphabet.length)];
  return key;
}

/** `url.Parse` refuses control characters and broken percent escapes, nothing much else. */
function checkEndpoint(endpoint: string, id: string): void {
  const broken = [...endpoint].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (broken || /%(?![0-9a-fA-F]{2})/.test(endpoint))
    throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Target.InvalidURL', id);
}

/** The target type oneof of a create or update request: its kind and `interruptOnError`. */
function targetType(body: ProtoMessage): { type: TargetType; interruptOnError: boolean } | undefined {
  const type = TARGET_TYPES.find((name) => body.has(name));
  if (type === undefined) return undefined;
  return {
    type,
    interruptOnError: type === 'restAsync' ? false : (body.message(type)?.bool('interruptOnError') ?? false),
  };
}

function checkTimeout(message: string, timeoutMs: number | undefined): void {
  if (timeoutMs !== undefined && (timeoutMs < 0 || timeoutMs > MAX_TIMEOUT_MS))
    throw invalidField(message, 'Timeout', 'value must be inside range [0s, 4m30s]');
}

/**
 * `zitadel.action.v2beta.ActionService/CreateTarget` (`action.target.write`): the answer carries
 * the new signing key. Names are unique in the instance (already_exists `V3-DKcYh`).
 */
function createTarget(call: Call): Record<string, unknown> {
  caller(call, 'action.target.write');
  const { body, state } = call;
  const M = 'CreateTargetRequest';
  const name = checkString(M, 'Name', body.string('name'), { min: 1, max: 1000 });
  const kind = targetType(body);
  if (kind === undefined) throw invalidField(M, 'TargetType', 'value is required');
  const timeoutMs = durationMs(body, 'timeout');
  checkTimeout(M, timeoutMs);
  const endpoint = checkString(M, 'Endpoint', body.string('endpoint'), { min: 1, max: 1000 });
  if (timeoutMs === undefined || timeoutMs === 0)
    throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Target.NoTimeout', 'COMMAND-39f35d8uri');
  checkEndpoint(endpoint, 'COMMAND-1r2k6qo6wg');
  const actions = actionState(call.context.store);
  if ([...actions.targets.values()].some((target) => target.name === name))
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.Target.AlreadyExists', 'V3-DKcYh');
  const now = state.now();
  const target: TargetRecord = {
    id: state.newId(),
    name,
    ...kind,
    timeoutMs,
    endpoint,
    signingKey: newSigningKey(),
    createdAt: now,
    changedAt: now,
  };
  actions.targets.set(target.id, target);
  state.touch(`target:${target.id}`);
  return { id: target.id, creationDate: now.toISOString(), signingKey: target.signingKey };
}

/** `zitadel.action.v2beta.Target`. */
function targetView(target: TargetRecord): Record<string, unknown> {
  return {
    id: target.id,
    creationDate: target.createdAt.toISOString(),
    changeDate: target.changedAt.toISOString(),
    name: target.name,
    [target.type]: target.interruptOnError ? { interruptOnError: true } : {},
    timeout: durationJson(target.timeoutMs),
    endpoint: target.endpoint,
    // ZITADEL's query answers the key with the target (`targetToPb`).
    signingKey: target.signingKey,
  };
}

/** A target by id. @throws {GrpcFailure} 5 "Errors.Target.NotFound" with the id of the caller's step. */
function findTarget(call: Call, message: string, id: string): TargetRecord {
  const targetId = checkString(message, 'Id', call.body.string('id'), { min: 1, max: 200 });
  const target = actionState(call.context.store).targets.get(targetId);
  if (target === undefined) throw new GrpcFailure(GrpcCode.notFound, 'Errors.Target.NotFound', id);
  return target;
}

/** `ActionService/GetTarget` (`action.target.read`). */
function getTarget(call: Call): Record<string, unknown> {
  caller(call, 'action.target.read');
  return { target: targetView(findTarget(call, 'GetTargetRequest', 'QUERY-hj5oaniyrz')) };
}

const TARGET_FIELDS = [
  'TARGET_FIELD_NAME_UNSPECIFIED',
  'TARGET_FIELD_NAME_ID',
  'TARGET_FIELD_NAME_CREATED_DATE',
  'TARGET_FIELD_NAME_CHANGED_DATE',
  'TARGET_FIELD_NAME_NAME',
  'TARGET_FIELD_NAME_TARGET_TYPE',
  'TARGET_FIELD_NAME_URL',
  'TARGET_FIELD_NAME_TIMEOUT',
  'TARGET_FIELD_NAME_INTERRUPT_ON_ERROR',
] as const;

/** `ActionService/ListTargets` (`action.target.read`): filtered, oldest first, paged the v2beta way. */
function listTargets(call: Call): Record<string, unknown> {
  caller(call, 'action.target.read');
  const { body } = call;
  const pagination = readPagination(body);
  const sorting = body.enum('sortingColumn', TARGET_FIELDS);
  const filters = body.messages('filters').map((filter) => {
    const { name, value } = requiredOneof(filter, 'TargetSearchFilter', 'Filter', [
      'targetNameFilter',
      'inTargetIdsFilter',
    ]);
    if (name === 'inTargetIdsFilter') {
      const ids = value.strings('targetIds');
      return (target: TargetRecord) => ids.includes(target.id);
    }
    checkString('TargetNameFilter', 'TargetName', value.string('targetName'), { max: 200 });
    const matches = textFilter(value, 'targetName');
    return (target: TargetRecord) => matches(target.name);
  });
  let targets = [...actionState(call.context.store).targets.values()].filter((target) =>
    filters.every((matches) => matches(target)),
  );
  if (sorting === 'TARGET_FIELD_NAME_NAME') targets = targets.sort((a, b) => (a.name < b.name ? -1 : 1));
  if (body.has('sortingColumn') && !pagination.asc) targets.reverse();
  const { page, pagination: response } = paginate(targets, pagination);
  const result: Record<string, unknown> = { pagination: response };
  if (page.length > 0) result['targets'] = page.map(targetView);
  return result;
}

/**
 * `ActionService/UpdateTarget` (`action.target.write`): changes the fields sent;
 * `expirationSigningKey` (only `0s`) replaces the signing key now and answers the new one.
 */
function updateTarget(call: Call): Record<string, unknown> {
  caller(call, 'action.target.write');
  const { body, state } = call;
  const M = 'UpdateTargetRequest';
  const targetId = checkString(M, 'Id', body.string('id'), { min: 1, max: 200 });
  const name = body.has('name') ? checkString(M, 'Name', body.string('name'), { min: 1, max: 1000 }) : undefined;
  const kind = targetType(body);
  const timeoutMs = durationMs(body, 'timeout');
  checkTimeout(M, timeoutMs);
  const endpoint = body.has('endpoint')
    ? checkString(M, 'Endpoint', body.string('endpoint'), { min: 1, max: 1000 })
    : undefined;
  const expiration = durationMs(body, 'expirationSigningKey');
  if (expiration !== undefined && expiration !== 0)
    throw invalidField(M, 'ExpirationSigningKey', 'value must equal 0s');
  if (timeoutMs === 0) throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Target.NoTimeout', 'COMMAND-08b39vdi57');
  if (endpoint !== undefined) checkEndpoint(endpoint, 'COMMAND-jsbaera7b6');
  const actions = actionState(call.context.store);
  const target = actions.targets.get(targetId);
  if (target === undefined) throw new GrpcFailure(GrpcCode.notFound, 'Errors.Target.NotFound', 'COMMAND-xj14f2cccn');
  if (name !== undefined && [...actions.targets.values()].some((t) => t.id !== target.id && t.name === name))
    throw new GrpcFailure(GrpcCode.alreadyExists, 'Errors.Target.AlreadyExists', 'V3-DKcYh');
  if (name !== undefined) target.name = name;
  if (kind !== undefined) Object.assign(target, kind);
  if (timeoutMs !== undefined) target.timeoutMs = timeoutMs;
  if (endpoint !== undefined) target.endpoint = endpoint;
  if (expiration !== undefined) target.signingKey = newSigningKey();
  target.changedAt = state.touch(`target:${target.id}`).changedAt;
  const response: Record<string, unknown> = { changeDate: target.changedAt.toISOString() };
  if (expiration !== undefined) response['signingKey'] = target.signingKey;
  return response;
}

/** `ActionService/DeleteTarget` (`action.target.delete`): executions stop naming it. */
function deleteTarget(call: Call): Record<string, unknown> {
  caller(call, 'action.target.delete');
  const target = findTarget(call, 'DeleteTargetRequest', 'COMMAND-k4s7ucu0ax');
  const actions = actionState(call.context.store);
  actions.targets.delete(target.id);
  for (const execution of actions.executions.values())
    execution.targets = execution.targets.filter((id) => id !== target.id);
  return { deletionDate: call.state.forget(`target:${target.id}`).changedAt.toISOString() };
}

/** The id ZITADEL stores an execution under, from its condition (`ExecutionAPICondition.ID` and kin). */
function conditionId(condition: ProtoMessage): string {
  const { name, value } = requiredOneof(condition, 'Condition', 'ConditionType', [
    'request',
    'response',
    'function',
    'event',
  ]);
  const text = (type: string, field: string) =>
    checkString(type, field[0]?.toUpperCase() + field.slice(1), value.string(field), { min: 1, max: 1000 });
  if (name === 'function') {
    const fn = text('FunctionExecution', 'name');
    // The ids of ZITADEL's checks of a condition were not confirmed.
    if (!FUNCTIONS.includes(fn))
      throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Execution.ConditionInvalid', 'EMU-Ex3cF');
    return `function/${fn}`;
  }
  const type = name === 'event' ? 'EventExecution' : name === 'request' ? 'RequestExecution' : 'ResponseExecution';
  const which = value.oneof(name === 'event' ? ['event', 'group', 'all'] : ['method', 'service', 'all']);
  if (which === undefined) throw invalidField(type, 'Condition', 'value is required');
  if (which === 'all') {
    if (!value.bool('all')) throw invalidField(type, 'All', 'value must equal true');
    return name;
  }
  const target = text(type, which);
  if (which === 'method' && !/^\/[\w.]+\/\w+$/.test(target))
    throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Execution.ConditionInvalid', 'EMU-Ex3cM');
  if (which === 'group') return `event/${target}.*`;
  return which === 'method' ? `${name}${target}` : `${name}/${target}`;
}

/** The condition message of an execution id (`executionIDToCondition`). */
function conditionView(id: string): Record<string, unknown> {
  const [type = '', ...rest] = id.split('/');
  const tail = rest.join('/');
  if (type === 'function') return { function: { name: tail } };
  if (tail === '') return { [type]: { all: true } };
  if (type === 'event') return { event: tail.endsWith('.*') ? { group: tail.slice(0, -2) } : { event: tail } };
  return { [type]: rest.length === 2 ? { method: `/${tail}` } : { service: tail } };
}

/**
 * `ActionService/SetExecution` (`action.execution.write`): the targets to call for a condition,
 * replacing earlier ones; no targets removes the execution. Every target must exist.
 */
function setExecution(call: Call): Record<string, unknown> {
  caller(call, 'action.execution.write');
  const { body, state } = call;
  const M = 'SetExecutionRequest';
  const condition = body.message('condition');
  if (condition === undefined)
    throw new GrpcFailure(GrpcCode.invalidArgument, 'Errors.Execution.Invalid', 'COMMAND-5zleae34r1');
  const id = embedded(M, 'Condition', () => conditionId(condition));
  const targets = body.strings('targets');
  const actions = actionState(call.context.store);
  if (targets.some((target) => !actions.targets.has(target)))
    throw new GrpcFailure(GrpcCode.notFound, 'Errors.Target.NotFound', 'COMMAND-17e8fq1ggk');
  const now = state.touch(`execution:${id}`).changedAt;
  const existing = actions.executions.get(id);
  if (targets.length === 0) actions.executions.delete(id);
  else if (existing === undefined) actions.executions.set(id, { id, targets, createdAt: now, changedAt: now });
  else Object.assign(existing, { targets, changedAt: now });
  return { setDate: now.toISOString() };
}

const EXECUTION_TYPES = [
  'EXECUTION_TYPE_UNSPECIFIED',
  'EXECUTION_TYPE_REQUEST',
  'EXECUTION_TYPE_RESPONSE',
  'EXECUTION_TYPE_EVENT',
  'EXECUTION_TYPE_FUNCTION',
] as const;
const EXECUTION_FIELDS = [
  'EXECUTION_FIELD_NAME_UNSPECIFIED',
  'EXECUTION_FIELD_NAME_ID',
  'EXECUTION_FIELD_NAME_CREATED_DATE',
  'EXECUTION_FIELD_NAME_CHANGED_DATE',
] as const;

/** `ActionService/ListExecutions` (`action.execution.read`): filtered, oldest first, paged the v2beta way. */
function listExecutions(call: Call): Record<string, unknown> {
  caller(call, 'action.execution.read');
  const { body } = call;
  const pagination = readPagination(body);
  body.enum('sortingColumn', EXECUTION_FIELDS);
  const filters = body.messages('filters').map((filter) => {
    const { name, value } = requiredOneof(filter, 'ExecutionSearchFilter', 'Filter', [
      'inConditionsFilter',
      'executionTypeFilter',
      'targetFilter',
    ]);
    if (name === 'inConditionsFilter') {
      const ids = value.messages('conditions').map((c) => conditionId(c));
      return (execution: ExecutionRecord) => ids.includes(execution.id);
    }
    if (name === 'executionTypeFilter') {
      const type = value.enum('executionType', EXECUTION_TYPES).replace('EXECUTION_TYPE_', '').toLowerCase();
      return (execution: ExecutionRecord) => execution.id.split('/')[0] === type;
    }
    const targetId = value.string('targetId');
    return (execution: ExecutionRecord) => execution.targets.includes(targetId);
  });
  const executions = [...actionState(call.context.store).executions.values()].filter((execution) =>
    filters.every((matches) => matches(execution)),
  );
  if (body.has('sortingColumn') && !pagination.asc) executions.reverse();
  const { page, pagination: response } = paginate(executions, pagination);
  const result: Record<string, unknown> = { pagination: response };
  if (page.length > 0)
    result['executions'] = page.map((execution) => ({
      condition: conditionView(execution.id),
      creationDate: execution.createdAt.toISOString(),
      changeDate: execution.changedAt.toISOString(),
      targets: [...execution.targets],
    }));
  return result;
}

/** `ActionService/ListExecutionFunctions` (`authenticated`): the functions an execution can hook. */
function listExecutionFunctions(call: Call): Record<string, unknown> {
  authenticate(call.request, call.context);
  return { functions: [...FUNCTIONS] };
}

/** `zitadel.action.v2beta.ActionService`: targets and executions as stored state. */
export const ACTION_SERVICE: EmulatedConnectService = {
  typeName: 'zitadel.action.v2beta.ActionService',
  methods: {
    CreateTarget: createTarget,
    GetTarget: getTarget,
    ListTargets: listTargets,
    UpdateTarget: updateTarget,
    DeleteTarget: deleteTarget,
    SetExecution: setExecution,
    ListExecutions: listExecutions,
    ListExecutionFunctions: listExecutionFunctions,
  },
};
