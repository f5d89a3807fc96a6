import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { renderLine, renderPanel, type PanelModel } from './panel';
import { describeExit } from './part';
import { signal } from './proc';
import { pretty, readyText, signalText } from './messages';
import { LineLog } from './line-log';
import { ensurePrivateDir } from './private-files';
import { anotherStackRunning } from './setup';
import { shutdown } from './shutdown';
import { say, type StackOptions, type StackRun } from './stack-run';
import { rotateLogs, writeState } from './state-snapshot';
import { preflight, startAll } from './startup';
import { Terminal } from './terminal';

export type { StackOptions } from './stack-run';

/**
 * The one-command local stack: pre-flight checks, Redis (reused or launched), the five parts
 * started in order and supervised (startup.ts), a live status panel, and an orderly shutdown
 * (shutdown.ts). Every user-facing sentence is in messages.ts; the state file in state-snapshot.ts.
 */
export class Stack {
  private readonly ctx: StackRun;
  private timer: NodeJS.Timeout | undefined;
  private lastSignalAt = 0;
  private stopRequested: (() => void) | undefined;
  private readonly stopSignal: Promise<void>;

  constructor(opts: StackOptions) {
    const c = opts.config;
    const logsDir = path.join(c.stack.dir, 'logs');
    const stateFile = path.join(c.stack.dir, 'stack.json');
    ensurePrivateDir(logsDir); // 0700, files 0600 (issue #28.5)
    // not while another stack (refused by pre-flight in a moment) still writes to them
    if (!anotherStackRunning(stateFile)) rotateLogs(logsDir);
    const stackLog = new LineLog(path.join(logsDir, 'stack.log'), 'stack');
    const mode = c.alerts.authMode;
    this.ctx = {
      opts,
      c,
      stackLog,
      logsDir,
      stateFile,
      term: new Terminal(opts.out, (l) => stackLog.write(l)),
      startedAt: new Date(),
      parts: [],
      authToken:
        mode === 'none' || mode === 'proxy' ? undefined : (c.alerts.authToken ?? randomBytes(24).toString('base64url')),
      redis: undefined,
      redisUrl: c.common.redisUrl,
      monitor: undefined,
      broker: undefined,
      replicas: undefined,
      dashboardUrl: '',
      loginUrl: '',
      state: 'starting',
      signals: 0,
    };
    this.stopSignal = new Promise((r) => (this.stopRequested = r));
  }

  /** SIGINT/SIGTERM: the first stops the stack, the second skips the drain, the third kills everything now. */
  onSignal(sig: NodeJS.Signals): void {
    // one Ctrl-C reaches npm, tsx and us at once, and tsx relays it again: count a burst once
    const now = Date.now();
    if (now - this.lastSignalAt < 1500) return;
    this.lastSignalAt = now;
    const n = ++this.ctx.signals;
    say(this.ctx, signalText(sig, n));
    if (n >= 3) for (const p of this.ctx.parts) void p.kill();
    this.stopRequested?.();
  }

  /** Synchronous last resort when the stack itself crashes: no part may outlive it. */
  killEverything(): void {
    for (const p of this.ctx.parts) p.killNow();
    if (this.ctx.redis) signal(-this.ctx.redis.pid, 'SIGKILL');
  }

  /** Runs until a signal, then shuts down. Resolves with the process exit code. */
  async run(): Promise<number> {
    const run = this.ctx;
    let code = 0;
    try {
      if (!(await preflight(run))) return 1;
      await startAll(run);
      if (run.signals === 0) {
        run.state = 'running';
        writeState(run);
        say(run, readyText(run));
        this.startTicker();
        await this.stopSignal;
      }
    } catch (err) {
      code = 1;
      run.state = 'failed';
      say(run, run.term.style.red(`✖ ${(err as Error).message}`));
      for (const p of run.parts.filter((x) => !x.alive && x.lastExit)) {
        const tail = p.log.tail(12).map((l) => `    ${l}`);
        say(run, `  last lines of ${pretty(p.log.file)}:\n${tail.join('\n')}`);
      }
    }
    if (this.timer) clearInterval(this.timer);
    await shutdown(run);
    return code;
  }

  private startTicker(): void {
    const { c, term } = this.ctx;
    const mode = c.stack.status === 'panel' && !term.live ? 'lines' : c.stack.status;
    let busy = false;
    let lastLine = 0;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        for (const p of this.ctx.parts) p.rememberDescendants();
        await this.ctx.monitor?.refresh();
        if (this.ctx.state !== 'running') return; // shutting down: the panel stays frozen
        if (mode === 'panel') term.panel(renderPanel(this.model(), term.style));
        if (mode === 'lines' && Date.now() - lastLine >= c.stack.statusSeconds * 1000 - 500) {
          lastLine = Date.now();
          term.line(renderLine(this.model()));
        }
        writeState(this.ctx);
      } finally {
        busy = false;
      }
    };
    this.timer = setInterval(() => void tick(), 1000);
    void tick();
  }

  private model(): PanelModel {
    const { monitor, broker, replicas, parts } = this.ctx;
    return {
      uptimeMs: Date.now() - this.ctx.startedAt.getTime(),
      dashboardUrl: this.ctx.dashboardUrl, // repeated every few seconds: never the token (issue #28.5)
      logsDir: pretty(this.ctx.logsDir),
      status: monitor?.error ? undefined : monitor?.last,
      statusError: monitor ? monitor.error : 'starting',
      clipsPerMin: monitor?.clipsPerMin ?? 0,
      events: broker?.counts,
      numStreams: this.ctx.c.common.numStreams,
      replicas: replicas?.last,
      parts: parts.map((p) => ({
        name: p.spec.name,
        state: p.state,
        restarts: p.restarts,
        lastExit: p.lastExit ? describeExit(p.lastExit) : undefined,
        tail: p.lastExit?.tail,
      })),
    };
  }
}
