import type { EmulatorEndpoint, EmulatorFault } from './emulator.types.js';

/** Injected faults, applied in the order they were added, each for its number of requests. */
export class Faults {
  private list: { fault: EmulatorFault; left: number }[] = [];

  add(fault: EmulatorFault): () => void {
    const entry = { fault, left: fault.times ?? Number.POSITIVE_INFINITY };
    this.list.push(entry);
    return () => {
      this.list = this.list.filter((e) => e !== entry);
    };
  }

  clear(): void {
    this.list = [];
  }

  /** The fault for the next request to an endpoint, used up by one. */
  take(endpoint: EmulatorEndpoint): EmulatorFault | undefined {
    const entry = this.list.find((e) => e.fault.endpoint === endpoint && e.left > 0);
    if (entry === undefined) return undefined;
    entry.left--;
    if (entry.left <= 0) this.list = this.list.filter((e) => e !== entry);
    return entry.fault;
  }
}
