import type { ActionState, TargetRecord } from '../connect/services/action-state.js';

/** The targets of the execution that best matches a condition id, and that execution's id. */
export interface MatchedExecution {
  readonly executionId: string;
  readonly targets: readonly TargetRecord[];
}

/**
 * `Router.GetEventBestMatch` (`internal/execution/target/router.go`): the exact id first, then
 * the most specific group (`event/user.human.*` before `event/user.*`), then a service
 * (`request/zitadel.user.v2.UserService` for its methods), then all of the kind (`event`).
 */
export function bestMatch(state: ActionState, conditionId: string): MatchedExecution | undefined {
  const kind = conditionId.split('/')[0] ?? '';
  let best: string | undefined;
  let bestRank = -1;
  for (const id of state.executions.keys()) {
    let rank = -1;
    if (id === conditionId) rank = Number.MAX_SAFE_INTEGER;
    else if (id.endsWith('.*') && conditionId.startsWith(id.slice(0, -1))) rank = id.length;
    else if (id.includes('/') && !id.endsWith('.*') && conditionId.startsWith(`${id}/`)) rank = id.length;
    else if (id === kind && kind !== 'function') rank = 0;
    if (rank > bestRank) [best, bestRank] = [id, rank];
  }
  if (best === undefined) return undefined;
  const targets = (state.executions.get(best)?.targets ?? [])
    .map((id) => state.targets.get(id))
    .filter((target): target is TargetRecord => target !== undefined);
  return { executionId: best, targets };
}
