// The JSON ZITADEL sends to Actions v2 targets, as its source builds it (internal/execution,
// internal/api/oidc). IDs are decimal strings; fields ZITADEL omits when empty are optional.

/**
 * An event execution's payload (`condition.event`): sent after the event is stored.
 * @see https://zitadel.com/docs/apis/actions/v2/execution-local#event
 */
export interface ZitadelEventPayload<P = Record<string, unknown>> {
  readonly aggregateID: string;
  /** e.g. `user`, `org`, `project`. */
  readonly aggregateType: string;
  /** The organisation the aggregate belongs to. */
  readonly resourceOwner: string;
  readonly instanceID: string;
  /** The aggregate's version, e.g. `v2`. */
  readonly version: string;
  readonly sequence: number;
  /** e.g. `user.human.added`, `user.deactivated`, `user.grant.added`. */
  readonly event_type: string;
  /** RFC 3339 time the event was stored. */
  readonly created_at: string;
  /** Who caused the event; ZITADEL leaves it out (`omitempty`) when the system did. */
  readonly userID?: string;
  /** The event's own data (its fields depend on `event_type`). */
  readonly event_payload?: P;
}

/** A request execution's payload (`condition.request`): ZITADEL asks before handling an API call. */
export interface ZitadelRequestCallPayload<Req = Record<string, unknown>> {
  /** e.g. `/zitadel.user.v2.UserService/AddHumanUser`. */
  readonly fullMethod: string;
  readonly instanceID?: string;
  readonly orgID?: string;
  readonly projectID?: string;
  readonly userID?: string;
  /** The API request in proto3 JSON. A `call` target answers with it (changed or not). */
  readonly request: Req;
  /** The incoming request's headers (newer ZITADEL versions). */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
}

/** A response execution's payload (`condition.response`): the request and ZITADEL's answer. */
export interface ZitadelResponseCallPayload<
  Req = Record<string, unknown>,
  Res = Record<string, unknown>,
> extends ZitadelRequestCallPayload<Req> {
  /** The API response in proto3 JSON. A `call` target answers with it (changed or not). */
  readonly response: Res;
}

/** The functions ZITADEL calls while it builds tokens and answers (`condition.function.name`). */
export type ZitadelFunctionName = 'preuserinfo' | 'preaccesstoken' | 'presamlresponse';

/** A user grant as ZITADEL hands it to functions. */
export interface ZitadelFunctionUserGrant {
  readonly id?: string;
  readonly project_id?: string;
  readonly roles?: readonly string[];
  readonly [field: string]: unknown;
}

/**
 * The context of a function execution (`preuserinfo`, `preaccesstoken`): ZITADEL's `ContextInfo`.
 * Answer with {@link ZitadelFunctionAnswer} (see `zitadelFunctionAnswer`).
 */
export interface ZitadelFunctionContext {
  /** `function/preuserinfo`, `function/preaccesstoken`. */
  readonly function: `function/${ZitadelFunctionName}` | string;
  /** The claims built so far (OIDC userinfo: `sub`, `email`, ...). */
  readonly userinfo?: Readonly<Record<string, unknown>>;
  /** The user (ZITADEL's user query model: `id`, `username`, `human` or `machine`, ...). */
  readonly user?: {
    readonly id: string;
    readonly username?: string;
    readonly human?: Readonly<Record<string, unknown>>;
    readonly machine?: Readonly<Record<string, unknown>>;
    readonly [field: string]: unknown;
  };
  /** The user's metadata; `value` is base64. */
  readonly user_metadata?: readonly {
    readonly key: string;
    readonly value: string;
    readonly [field: string]: unknown;
  }[];
  readonly org?: { readonly id: string; readonly name?: string; readonly primary_domain?: string };
  readonly user_grants?: readonly ZitadelFunctionUserGrant[];
}

/** The context of `presamlresponse`: the SAML attributes built so far instead of OIDC claims. */
export interface ZitadelSamlFunctionContext extends Omit<ZitadelFunctionContext, 'userinfo'> {
  readonly response?: { readonly attributes?: readonly { readonly name: string; readonly value: readonly string[] }[] };
}
