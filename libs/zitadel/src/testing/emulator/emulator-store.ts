import type { KeyObject } from 'node:crypto';

/** Everything the emulated instance knows, in memory. */
export interface StoredOrg {
  id: string;
  name: string;
  primaryDomain: string;
}

export interface StoredProject {
  id: string;
  name: string;
  orgId: string;
  assertRolesOnAuthentication: boolean;
  roles: Map<string, { key: string; displayName: string; group: string }>;
}

export interface StoredKey {
  keyId: string;
  publicKey: KeyObject;
  expiresAt: Date | undefined;
}

export interface StoredUser {
  id: string;
  userName: string;
  orgId: string;
  kind: 'human' | 'machine';
  accessTokenType: 'opaque' | 'jwt';
  email?: string;
  firstName?: string;
  lastName?: string;
  clientSecret?: string;
  keys: Map<string, StoredKey>;
}

export interface StoredApp {
  appId: string;
  clientId: string;
  projectId: string;
  clientSecret?: string;
  keys: Map<string, StoredKey>;
}

export interface StoredGrant {
  userId: string;
  projectId: string;
  orgId: string;
  roleKeys: string[];
}

export interface StoredToken {
  id: string;
  userId: string;
  clientId: string;
  audience: string[];
  scopes: string[];
  issuedAt: number;
  notBefore: number;
  expiresAt: number;
  claims: Record<string, unknown>;
  revoked: boolean;
}

export class EmulatorStore {
  readonly orgs = new Map<string, StoredOrg>();
  readonly projects = new Map<string, StoredProject>();
  readonly users = new Map<string, StoredUser>();
  readonly apps = new Map<string, StoredApp>();
  readonly grants: StoredGrant[] = [];
  /** Opaque tokens by value, JWT access tokens by `jti`. */
  readonly tokens = new Map<string, StoredToken>();
  /** Org members: orgId → userId → roles (e.g. ORG_OWNER). */
  readonly orgMembers = new Map<string, Map<string, string[]>>();
  /** Instance members: userId → roles (e.g. IAM_OWNER). */
  readonly instanceMembers = new Map<string, string[]>();

  appByClientId(clientId: string): StoredApp | undefined {
    for (const app of this.apps.values()) if (app.clientId === clientId) return app;
    return undefined;
  }

  userByClientId(clientId: string): StoredUser | undefined {
    for (const user of this.users.values()) if (user.clientSecret !== undefined && user.userName === clientId) return user;
    return undefined;
  }
}
