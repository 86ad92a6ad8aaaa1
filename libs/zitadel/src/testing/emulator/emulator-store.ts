import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';

/** An organisation. */
export interface OrgRecord {
  readonly id: string;
  readonly name: string;
  readonly primaryDomain: string;
}

/** A project role. */
export interface RoleRecord {
  readonly key: string;
  readonly displayName: string;
  readonly group: string;
}

/** A project, its roles and its "assert roles on authentication" setting. */
export interface ProjectRecord {
  readonly id: string;
  readonly name: string;
  readonly orgId: string;
  readonly assertRolesOnAuthentication: boolean;
  readonly roles: Map<string, RoleRecord>;
}

/** A public key registered for a service user or an application (ZITADEL keeps only this half). */
export interface PublicKeyRecord {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  /** Epoch milliseconds after which ZITADEL no longer finds the key. */
  readonly expiresAt: number | undefined;
}

interface UserFields {
  readonly id: string;
  readonly userName: string;
  readonly orgId: string;
  /** Epoch seconds of the last change (`updated_at`). */
  readonly changedAt: number;
}

/** A service user ("machine" in ZITADEL's API). */
export interface MachineUserRecord extends UserFields {
  readonly kind: 'machine';
  readonly name: string;
  readonly accessTokenType: 'opaque' | 'jwt';
  /** SHA-256 of the client secret, when the user has one. */
  secretHash: Buffer | undefined;
  readonly keys: Map<string, PublicKeyRecord>;
}

/** A human user. */
export interface HumanUserRecord extends UserFields {
  readonly kind: 'human';
  readonly firstName: string;
  readonly lastName: string;
  readonly displayName: string;
  readonly nickName: string | undefined;
  readonly email: string | undefined;
  readonly emailVerified: boolean;
  readonly preferredLanguage: string | undefined;
}

/** A user of either kind. */
export type UserRecord = MachineUserRecord | HumanUserRecord;

/** An application of a project: an API app or an OIDC app, with its client authentication. */
export interface AppRecord {
  readonly appId: string;
  readonly kind: 'api' | 'oidc';
  readonly name: string;
  readonly projectId: string;
  readonly clientId: string;
  readonly authMethod: 'client_secret_basic' | 'private_key_jwt' | 'none';
  /** SHA-256 of the client secret, for the secret-based methods. */
  readonly secretHash: Buffer | undefined;
  readonly keys: Map<string, PublicKeyRecord>;
  /** Whether role claims go into JWT access tokens issued for this app (OIDC apps). */
  readonly accessTokenRoleAssertion: boolean;
  /** The OAuth grant types the app may use (OIDC apps), e.g. `urn:ietf:params:oauth:grant-type:token-exchange`. */
  readonly grantTypes: readonly string[];
}

/**
 * The `act` claim of an impersonated token (RFC 8693 §4.1) as ZITADEL writes it
 * (`oidc.ActorClaims`: `act`, `iss`, `sub`, each left out when empty).
 */
export interface TokenActor {
  readonly act?: TokenActor;
  readonly iss?: string;
  readonly sub?: string;
}

/** Roles of a project granted to a user by an organisation. */
export interface GrantRecord {
  readonly userId: string;
  readonly projectId: string;
  /** The granting organisation (the grant's resource owner). */
  readonly orgId: string;
  readonly roles: Set<string>;
}

/** An issued access token, opaque or JWT, as ZITADEL keeps it in the OIDC session. */
export interface TokenRecord {
  readonly tokenId: string;
  readonly userId: string;
  /** The client the token was issued to: an app's client id, or a service user's user name. */
  readonly clientId: string;
  readonly audience: readonly string[];
  readonly scope: readonly string[];
  /** Epoch seconds. */
  readonly issuedAt: number;
  readonly notBefore: number;
  readonly expiresAt: number;
  readonly authTime: number;
  readonly amr: readonly string[];
  readonly format: 'opaque' | 'jwt';
  revoked: boolean;
  /** Who acts for the user (impersonation through token exchange): the `act` claim. */
  readonly actor?: TokenActor;
}

/** Everything the emulated instance knows, in memory. */
export class EmulatorStore {
  readonly orgs = new Map<string, OrgRecord>();
  readonly projects = new Map<string, ProjectRecord>();
  readonly users = new Map<string, UserRecord>();
  /** Applications by app id. */
  readonly apps = new Map<string, AppRecord>();
  readonly grants: GrantRecord[] = [];
  /** Access tokens by token id (the JWT's `jti`). */
  readonly tokens = new Map<string, TokenRecord>();
  /** Opaque access tokens: SHA-256 of the token value → token id. The value itself is never kept. */
  readonly opaqueTokens = new Map<string, string>();
  /** Org members: orgId → userId → manager roles (e.g. `ORG_OWNER`). */
  readonly orgMembers = new Map<string, Map<string, string[]>>();
  /** Instance members: userId → manager roles (e.g. `IAM_OWNER`). */
  readonly instanceMembers = new Map<string, string[]>();
  /** Deactivated users: their tokens are no longer active, they cannot log in. */
  readonly inactiveUsers = new Set<string>();
  /** Instance features (ZITADEL's feature API); off by default, as in ZITADEL. */
  readonly features = { oidcTokenExchange: false };
  /** The instance's security policy: `enableImpersonation` lets token exchange impersonate users. */
  readonly securityPolicy = { enableImpersonation: false };

  /** An application by client id. */
  appByClientId(clientId: string): AppRecord | undefined {
    for (const app of this.apps.values()) if (app.clientId === clientId) return app;
    return undefined;
  }

  /** A user by login name: the user name, or `userName@primaryDomain` of the user's organisation. */
  userByLoginName(loginName: string): UserRecord | undefined {
    for (const user of this.users.values()) {
      if (
        user.userName === loginName ||
        `${user.userName}@${this.orgs.get(user.orgId)?.primaryDomain ?? ''}` === loginName
      )
        return user;
    }
    return undefined;
  }

  /** The token behind an opaque access token value. */
  opaqueToken(value: string): TokenRecord | undefined {
    const tokenId = this.opaqueTokens.get(sha256(value).toString('base64url'));
    return tokenId === undefined ? undefined : this.tokens.get(tokenId);
  }

  /** Remembers an opaque token by its hash. */
  addOpaqueToken(value: string, record: TokenRecord): void {
    this.tokens.set(record.tokenId, record);
    this.opaqueTokens.set(sha256(value).toString('base64url'), record.tokenId);
  }
}

/** SHA-256 of a UTF-8 string. */
export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Whether a presented secret matches a stored hash, in constant time. */
export function secretMatches(hash: Buffer | undefined, presented: string): boolean {
  return hash !== undefined && timingSafeEqual(hash, sha256(presented));
}
