import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '../src/async';
import { tsLoaderArgs, tsLoaderEnv } from '../src/ts-loader';

/** runMain in a real child process (fixtures/lifecycle-main.ts): signals, bounded stop, exit codes. */
const FIXTURE = path.join(__dirname, 'fixtures', 'lifecycle-main.ts');

interface Child {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}
const children: Child[] = [];

function start(env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, [...tsLoaderArgs(), FIXTURE], {
    env: { ...tsLoaderEnv(), PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const c = { proc, out: () => out, err: () => err, exit };
  children.push(c);
  return c;
}
const lines = (c: Child) => c.out().trim().split('\n');
const until = (c: Child, line: string) =>
  waitFor(() => lines(c).includes(line), { timeoutMs: 20_000, what: `"${line}" (got: ${c.out()})` });

afterAll(() => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
});

describe('runMain (real child process)', () => {
  it('stops once on SIGTERM, ignores a second signal (double Ctrl-C), exits 0', async () => {
    const c = start({ STOP_MS: '300' });
    await until(c, 'started');
    c.proc.kill('SIGINT');
    await until(c, 'stop');
    c.proc.kill('SIGINT');
    expect(await c.exit).toBe(0);
    expect(lines(c)).toEqual(['starting', 'started', 'aborted', 'log: stopping (SIGINT)', 'stop', 'stopped']);
  });

  it('a signal during start-up aborts ctx.signal, waits for the start, then stops what it returned', async () => {
    const c = start({ START_MS: '800' });
    await until(c, 'starting');
    c.proc.kill('SIGTERM');
    expect(await c.exit).toBe(0);
    expect(lines(c)).toEqual(['starting', 'aborted', 'log: stopping (SIGTERM)', 'started', 'stop', 'stopped']);
  });

  it('exits 1 and says so when the clean stop overruns its bound', async () => {
    const c = start({ STOP_MS: '30000', STOP_TIMEOUT_MS: '300' });
    await until(c, 'started');
    c.proc.kill('SIGTERM');
    expect(await c.exit).toBe(1);
    expect(c.err()).toContain('fixture: clean stop took longer than 300 ms; exiting');
  });

  it('exits 1 on a failed start and on a failed stop, naming the error', async () => {
    const failedStart = start({ FAIL_START: '1' });
    expect(await failedStart.exit).toBe(1);
    expect(failedStart.err()).toContain('fixture failed to start: Error: cannot bind');
    const failedStop = start({ FAIL_STOP: '1' });
    await until(failedStop, 'started');
    failedStop.proc.kill('SIGTERM');
    expect(await failedStop.exit).toBe(1);
    expect(failedStop.err()).toContain('fixture: stop failed: flush failed');
  });

  it('a fatal error stops what was started and exits 1', async () => {
    const c = start({ FATAL_AFTER_MS: '50' });
    expect(await c.exit).toBe(1);
    expect(c.err()).toContain('fixture: fatal: worker died');
    expect(lines(c)).toEqual(['starting', 'started', 'log: stopping (fatal error)', 'stop', 'stopped']);
  });
});
