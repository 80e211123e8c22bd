import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat (almost always 100). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a process (all its threads: JS, GC, libuv pool), in microseconds. */
export function cpuMicros(pid: number): number {
  return ticksToMicros(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/**
 * CPU time of a process's main thread (the JavaScript one) and of all its other threads (GC,
 * compiler, libuv pool) together, in microseconds (10 ms ticks each: sum over many operations).
 */
export function threadCpuMicros(pid: number): { main: number; others: number } {
  let main = 0;
  let all = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let micros: number;
    try {
      micros = ticksToMicros(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    } catch {
      continue; // the thread ended meanwhile
    }
    all += micros;
    if (tid === String(pid)) main = micros;
  }
  return { main, others: all - main };
}

function ticksToMicros(stat: string): number {
  // The command name (field 2) may contain spaces: fields are counted after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

/** Resident set size and its peak (VmHWM), in MB. */
export function memoryMb(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/**
 * RSS in MB once it has settled after load, and how long that took: sampled every second until
 * ten samples in a row lie within 2 MB, after at least 35 s, for at most 90 s. The process
 * returns memory once quiet for 15 s (shared/runtime/idle-memory-return.ts), each thread on its
 * own: in the embedded process the data plane's thread also serves the in-process bus, so it goes
 * quiet only once the control plane's worker has read its backlog of usage events. V8 frees its
 * pages on background threads.
 */
export async function settledRssMb(pid: number, maxSeconds = 90): Promise<{ rssMb: number; seconds: number }> {
  const samples: number[] = [];
  for (let second = 1; second <= maxSeconds; second++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    samples.push(memoryMb(pid).rssMb);
    const last = samples.slice(-10);
    if (second >= 35 && Math.max(...last) - Math.min(...last) <= 2) return { rssMb: last[9]!, seconds: second };
  }
  return { rssMb: samples.at(-1)!, seconds: maxSeconds };
}

export const cpuResolutionMicros = 1e6 / CLOCK_TICKS;

/** Busy CPU of the whole machine (all cores, all processes) so far, in microseconds, from /proc/stat. */
export function machineBusyMicros(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  void idle;
  void iowait;
  return ((user + nice + system + irq + softirq + steal) * 1e6) / CLOCK_TICKS;
}

/** The 1-minute load average: anything far above 0 before a run means the machine is not quiet. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}
