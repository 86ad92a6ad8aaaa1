import type { EmulatorEndpoint, EmulatorRequestLogEntry } from './emulator.types.js';

/** Every request the emulator answered (or dropped), oldest first. Paths only: never a query string, header or body. */
export class RequestLog {
  private entries: EmulatorRequestLogEntry[] = [];

  /** The entries; a frozen copy, so callers cannot change the log. */
  get all(): readonly EmulatorRequestLogEntry[] {
    return Object.freeze([...this.entries]);
  }

  record(entry: EmulatorRequestLogEntry): void {
    this.entries.push(Object.freeze(entry));
  }

  count(endpoint: EmulatorEndpoint): number {
    return this.entries.reduce((n, entry) => (entry.endpoint === endpoint ? n + 1 : n), 0);
  }

  clear(): void {
    this.entries = [];
  }
}
