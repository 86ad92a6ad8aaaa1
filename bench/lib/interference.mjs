// How much CPU other processes took while a load run was measured: the machine's busy time
// (all cores, from the kernel's counters via os.cpus()) minus the bench's own processes'. On a
// shared 2-core machine this tells a clean run from one that other engineers' tests disturbed.
import { cpus } from 'node:os';

function machineBusyMs() {
  let busy = 0;
  for (const cpu of cpus()) busy += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
  return busy;
}

/**
 * Starts a measurement; `stop(ownMicros)` takes the CPU time of the bench's other processes
 * (the server under load) in microseconds over the same span, and returns the cores' worth of
 * CPU that other processes used on average.
 */
export function startInterference() {
  const started = performance.now();
  const busy = machineBusyMs();
  const self = process.cpuUsage();
  return (otherOwnMicros) => {
    const elapsedMs = performance.now() - started;
    const own = process.cpuUsage(self);
    const ownMs = (own.user + own.system + otherOwnMicros) / 1000;
    // The kernel counts in ticks of 10 ms: a slightly negative figure means none.
    return Math.max(0, (machineBusyMs() - busy - ownMs) / elapsedMs);
  };
}
