import type { EmulatorEndpoint, EmulatorFault } from './emulator.types.js';

interface ActiveFault {
  readonly fault: EmulatorFault;
  left: number;
}

/** Injected faults, matched in the order they were added, each used up after `times` requests. */
export class Faults {
  private list: ActiveFault[] = [];

  /** Adds a fault; the returned function removes it early. */
  add(fault: EmulatorFault): () => void {
    const times = fault.times ?? Number.POSITIVE_INFINITY;
    if (!(times > 0)) throw new RangeError('injectFault: "times" must be a positive number');
    const entry: ActiveFault = { fault, left: times };
    this.list.push(entry);
    return () => this.remove(entry);
  }

  clear(): void {
    this.list = [];
  }

  /** The fault that applies to the next request to an endpoint, counted as used once. */
  take(endpoint: EmulatorEndpoint): EmulatorFault | undefined {
    const entry = this.list.find((e) => e.fault.endpoint === endpoint);
    if (entry === undefined) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.remove(entry);
    return entry.fault;
  }

  private remove(entry: ActiveFault): void {
    this.list = this.list.filter((e) => e !== entry);
  }
}
