/**
 * Jest setup file (jest.config.js `setupFilesAfterEnv`): when JEST_CPU_LOG names a file, appends one line per
 * test file with the CPU seconds spent while it ran, by the Jest process running it and by the child processes it
 * started and reaped (ffmpeg, parts, servers), for `npm run test:timing`. On 2 cores CPU, not sleeping, is what
 * bounds a parallel run, so the report shows both. Linux only: it reads /proc/self/stat, where utime, stime,
 * cutime and cstime are fields 14-17, "measured in clock ticks (divide by sysconf(_SC_CLK_TCK))"; cutime/cstime
 * count only children that have been waited for (proc(5), https://man7.org/linux/man-pages/man5/proc.5.html).
 */
import fs from 'node:fs';

/** sysconf(_SC_CLK_TCK): USER_HZ, 100 on every Linux architecture Node ships for (proc(5) "time(7)"). */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds of this process and its reaped children, or undefined where /proc is not there. */
function cpuSeconds(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // fields after "(comm)" start at field 3 (state); comm may contain spaces, so split after its last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(rest[i]), 0);
    return ticks / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

const logFile = process.env.JEST_CPU_LOG;
if (logFile) {
  const start = cpuSeconds();
  afterAll(() => {
    const end = cpuSeconds();
    const file = expect.getState().testPath;
    if (start === undefined || end === undefined || !file) return;
    // O_APPEND: "the file offset is positioned at the end of the file ... as a single atomic step" (open(2)),
    // so the workers' lines do not overwrite each other
    fs.appendFileSync(logFile, `${JSON.stringify({ file, cpuSeconds: end - start })}\n`);
  });
}
