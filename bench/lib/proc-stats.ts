import fs from 'node:fs';

/**
 * CPU and memory of processes from /proc (Linux), so benchmarks need no pidstat.
 * CPU is the utime+stime delta over a window, in % of one core (200 % = both cores of a 2-core box).
 */
const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux x86-64/arm64

/** utime + stime of one process in seconds; undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the parenthesised command name; utime and stime are fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/**
 * utime + stime of a process plus those of its waited-for children (cutime + cstime, fields 16–17):
 * what a process costs including the ffmpeg children it spawns and reaps.
 */
export function cpuSecondsWithChildren(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Resident set size in bytes; undefined when the process is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine (all cores) from /proc/stat. */
export function machineBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - idle) / CLK_TCK;
}

/** A CPU window over a group of pids (pids that exit mid-window count up to their exit). */
export class CpuWindow {
  private readonly start = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly t0 = performance.now();

  constructor(private readonly pids: () => readonly number[]) {
    for (const pid of pids()) {
      const s = cpuSeconds(pid);
      if (s === undefined) continue;
      this.start.set(pid, s);
      this.last.set(pid, s);
    }
  }

  /** Samples (call now and then so exited pids keep their last value). */
  sample(): void {
    for (const pid of this.pids()) {
      const s = cpuSeconds(pid);
      if (s === undefined) continue;
      if (!this.start.has(pid)) this.start.set(pid, 0); // started inside the window
      this.last.set(pid, s);
    }
  }

  /** Average CPU % (of one core) of the group since construction. */
  percent(): number {
    this.sample();
    let used = 0;
    for (const [pid, s] of this.last) used += s - (this.start.get(pid) ?? s);
    return (100 * used) / ((performance.now() - this.t0) / 1000);
  }
}

/** Average busy % of the whole machine (of one core; 200 % = 2 cores) between two calls. */
export function machineWindow(): () => number {
  const busy0 = machineBusySeconds();
  const t0 = performance.now();
  return () => (100 * (machineBusySeconds() - busy0)) / ((performance.now() - t0) / 1000);
}
