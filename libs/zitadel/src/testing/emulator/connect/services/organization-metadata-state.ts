import type { EmulatorStore } from '../../emulator-store.js';

/** One metadata entry of an organisation: the raw bytes, and when it was set first and last. */
export interface OrgMetadataEntry {
  readonly value: Buffer;
  readonly createdAt: Date;
  readonly changedAt: Date;
}

const METADATA = new WeakMap<EmulatorStore, Map<string, Map<string, OrgMetadataEntry>>>();

/** The metadata of an organisation (created empty on first use), per emulator store. */
export function orgMetadata(store: EmulatorStore, orgId: string): Map<string, OrgMetadataEntry> {
  let byOrg = METADATA.get(store);
  if (byOrg === undefined) METADATA.set(store, (byOrg = new Map()));
  let entries = byOrg.get(orgId);
  if (entries === undefined) byOrg.set(orgId, (entries = new Map()));
  return entries;
}
