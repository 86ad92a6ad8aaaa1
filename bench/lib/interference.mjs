// How much CPU other processes took while a load run was measured: the machine's busy time (all
// cores, the kernel's counters in /proc/stat) minus the bench's own processes' CPU time, plus the
// time the hypervisor gave the VM's cores to someone else (steal). On a shared 2-core machine this
// tells a clean run from one that other engineers' tests (or neighbours on the host) disturbed.
//
// The reading is signed and never clamped: the kernel counts in ticks of 10 ms per core, so an
// undisturbed run reads a few hundredths of a core either side of 0, and a reading far below 0
// means the counters do not account for the bench's own time (the kernel and the processes
// disagree, as when the hypervisor takes cores away): such a run cannot be vouched for either.
// So the disturbance of a run is |other processes| + steal, and a run is clean only when that is
// small (see CLEAN_OTHER_CORES in scenarios/guard-overhead.mjs).
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The kernel's tick: /proc/stat counts in USER_HZ, 100 per second on Linux. */
const TICK_MS = 10;

/** Busy and steal time of all cores so far, in milliseconds. */
function machineTimesMs() {
  try {
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return { busy: (user + nice + system + irq + softirq) * TICK_MS, steal: steal * TICK_MS };
  } catch {
    // Not Linux: os.cpus() has the busy time but no steal.
    let busy = 0;
    for (const cpu of cpus()) busy += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
    return { busy, steal: 0 };
  }
}

/**
 * Starts a measurement; `stop(otherOwnMicros)` takes the CPU time of the bench's other processes
 * (the server under load) in microseconds over the same span, and returns, in cores' worth of CPU
 * on average over the span: `otherCores` (busy time not the bench's own, signed), `stealCores`
 * (taken by the hypervisor) and `disturbance` (= |otherCores| + stealCores).
 */
export function startInterference() {
  const started = performance.now();
  const before = machineTimesMs();
  const self = process.cpuUsage();
  return (otherOwnMicros) => {
    const elapsedMs = performance.now() - started;
    const after = machineTimesMs();
    const own = process.cpuUsage(self);
    const ownMs = (own.user + own.system + otherOwnMicros) / 1000;
    const otherCores = (after.busy - before.busy - ownMs) / elapsedMs;
    const stealCores = (after.steal - before.steal) / elapsedMs;
    return { otherCores, stealCores, disturbance: Math.abs(otherCores) + stealCores };
  };
}
