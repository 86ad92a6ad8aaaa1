import type { EmulatorClock, EmulatorEndpoint, EmulatorRequestLogEntry } from './emulator.types.js';

interface Entry {
  readonly endpoint: EmulatorEndpoint;
  readonly method: string;
  readonly path: string;
  status: number;
  readonly at: Date;
}

/**
 * Every request the emulator received, oldest first, recorded on arrival and completed with the
 * status answered. Paths only: never a query string, header or body.
 */
export class RequestLog {
  private entries: Entry[] = [];

  constructor(private readonly clock: EmulatorClock) {}

  /** A snapshot of the entries, frozen, so callers cannot change the log. */
  get all(): readonly EmulatorRequestLogEntry[] {
    return Object.freeze(this.entries.map((entry) => Object.freeze({ ...entry })));
  }

  /** Records a request that just arrived; call the returned function with the status answered (0: dropped). */
  begin(endpoint: EmulatorEndpoint, method: string, path: string): (status: number) => void {
    const entry: Entry = { endpoint, method, path, status: 0, at: new Date(this.clock.now()) };
    this.entries.push(entry);
    return (status) => {
      entry.status = status;
    };
  }

  count(endpoint: EmulatorEndpoint): number {
    return this.entries.reduce((n, entry) => (entry.endpoint === endpoint ? n + 1 : n), 0);
  }

  clear(): void {
    this.entries = [];
  }
}
