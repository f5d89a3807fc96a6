import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../functions/shared/src/config';
import { renderLine, renderPanel, renderSummary, type PanelModel } from './panel';
import { describeExit, Part, type PartSpec } from './part';
import { isAlive, signal } from './proc';
import { planParts, type StackPorts } from './plan';
import { formatIssues } from './preflight';
import { allocatePorts, anotherStackRunning, gatherIssues, probeModelServer, reapLeftovers } from './setup';
import { writeStateFile, type StackState } from './state-file';
import { launchRedis, type LaunchedRedis } from './redis';
import { Monitor } from './monitor';
import { Terminal } from './terminal';
import { waitUntil } from './wait';
import { LineLog } from './line-log';
import { ensurePrivateDir } from './private-files';
import { NOTIFY_TRIGGERS, startLocalBroker, type LocalBroker } from './broker';
import { redactUrls } from '../../functions/shared/src/redact';
import { InferenceReplicas } from './replicas';
import { localAutoscalerMode } from './replica-settings';

export interface StackOptions {
  readonly config: Config;
  /** environment passed on to every part */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** repository root (cwd of the parts) */
  readonly repoRoot: string;
  readonly out: NodeJS.WriteStream;
}

const STOP_ORDER = ['capture', 'inference', 'alerts', 'vllm-sim', 'rtsp-sim'];

/** Shows `p` relative to the working directory when it is inside it. */
function pretty(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/**
 * The one-command local stack: pre-flight checks, Redis (reused or launched), the five parts
 * started in order and supervised, a live status panel, and an orderly shutdown.
 */
export class Stack {
  private readonly c: Config;
  private readonly term: Terminal;
  private readonly stackLog: LineLog;
  private readonly logsDir: string;
  private readonly stateFile: string;
  private readonly parts: Part[] = [];
  private redis: LaunchedRedis | undefined;
  private redisUrl: string;
  private monitor: Monitor | undefined;
  private dashboardUrl = '';
  /** The dashboard's admin token (issue #17): ALERTS_AUTH_TOKEN if set, else one per stack, like Jupyter's. */
  private readonly authToken: string | undefined;
  /** What to open: `…/login?token=…` (sets the session cookie, then redirects to the dashboard). */
  private loginUrl = '';
  private readonly startedAt = new Date();
  private timer: NodeJS.Timeout | undefined;
  private signals = 0;
  private lastSignalAt = 0;
  private broker: LocalBroker | undefined;
  private stopRequested: (() => void) | undefined;
  private readonly stopSignal: Promise<void>;
  private state: StackState['state'] = 'starting';
  private replicas: InferenceReplicas | undefined;

  constructor(private readonly opts: StackOptions) {
    this.c = opts.config;
    this.logsDir = path.join(this.c.stack.dir, 'logs');
    this.stateFile = path.join(this.c.stack.dir, 'stack.json');
    ensurePrivateDir(this.logsDir); // 0700, files 0600 (issue #28.5)
    // not while another stack (refused by pre-flight in a moment) still writes to them
    if (!anotherStackRunning(this.stateFile)) rotateLogs(this.logsDir);
    this.stackLog = new LineLog(path.join(this.logsDir, 'stack.log'), 'stack');
    this.term = new Terminal(opts.out, (l) => this.stackLog.write(l));
    this.redisUrl = this.c.common.redisUrl;
    const mode = this.c.alerts.authMode;
    this.authToken =
      mode === 'none' || mode === 'proxy'
        ? undefined
        : (this.c.alerts.authToken ?? randomBytes(24).toString('base64url'));
    this.stopSignal = new Promise((r) => (this.stopRequested = r));
  }

  /** SIGINT/SIGTERM: the first stops the stack, the second skips the drain, the third kills everything now. */
  onSignal(sig: NodeJS.Signals): void {
    // one Ctrl-C reaches npm, tsx and us at once, and tsx relays it again: count a burst once
    const now = Date.now();
    if (now - this.lastSignalAt < 1500) return;
    this.lastSignalAt = now;
    this.signals++;
    if (this.signals === 1)
      this.term.message(`\n${sig}: stopping the stack (Ctrl-C again to skip waiting for queued clips)…`);
    else if (this.signals === 2) this.term.message(`${sig} again: not waiting for queued clips`);
    else {
      this.term.message(`${sig} a third time: killing every part now`);
      for (const p of this.parts) void p.kill();
    }
    this.stopRequested?.();
  }

  /** Synchronous last resort when the stack itself crashes: no part may outlive it. */
  killEverything(): void {
    for (const p of this.parts) p.killNow();
    if (this.redis) signal(-this.redis.pid, 'SIGKILL');
  }

  /** Runs until a signal, then shuts down. Resolves with the process exit code. */
  async run(): Promise<number> {
    let code = 0;
    try {
      if (!(await this.preflight())) return 1;
      await this.startAll();
      if (this.signals === 0) {
        this.state = 'running';
        this.writeState();
        this.printReady();
        this.startTicker();
        await this.stopSignal;
      }
    } catch (err) {
      code = 1;
      this.state = 'failed';
      this.term.message(this.term.style.red(`✖ ${(err as Error).message}`));
      for (const p of this.parts.filter((x) => !x.alive && x.lastExit)) {
        this.term.message(
          `  last lines of ${pretty(p.log.file)}:\n${p.log
            .tail(12)
            .map((l) => `    ${l}`)
            .join('\n')}`,
        );
      }
    }
    await this.shutdown();
    return code;
  }

  private say(text: string): void {
    this.term.message(text);
  }

  private async preflight(): Promise<boolean> {
    const c = this.c;
    const leftovers = anotherStackRunning(this.stateFile) ? [] : reapLeftovers(this.stateFile);
    if (leftovers.length > 0) {
      this.say(
        `  ! killed ${leftovers.length} process(es) left running by a previous stack that did not stop cleanly: ${leftovers.join(' ')}`,
      );
      await waitUntil(() => leftovers.every((p) => !isAlive(p)), {
        timeoutMs: 5000,
        what: 'the leftover processes to exit',
      }).catch(() => undefined);
    }
    const { issues, redisAnswers: answers } = await gatherIssues(c, this.opts.env, this.stateFile);
    if (issues.length > 0) {
      this.say(formatIssues(issues));
      return false;
    }
    this.say(`${this.term.style.bold('Safety-Hanta')} · starting the local stack with ${c.common.numStreams} cameras`);
    this.say(`  ✔ pre-flight: Node.js ${process.versions.node}, ffmpeg, port ${c.common.port} free`);
    if (c.common.vllmBaseUrl) {
      const probe = await probeModelServer(c);
      this.say(probe.ok ? `  ✔ ${probe.text}` : this.term.style.yellow(`  ! ${probe.text}`));
    }
    if (answers) {
      this.say(`  ✔ redis: using ${redactUrls(c.common.redisUrl)} (keys under ${c.common.redisPrefix}:)`);
    } else {
      this.redis = await launchRedis(c.stack.redisServer, this.logsDir);
      this.redisUrl = this.redis.url;
      this.say(
        `  ✔ redis: nothing answered at ${redactUrls(c.common.redisUrl)}; started redis-server at ${this.redis.url} (temporary, no persistence)`,
      );
    }
    return true;
  }

  private async startAll(): Promise<void> {
    const c = this.c;
    fs.mkdirSync(c.common.clipsDir, { recursive: true });
    const ports = await allocatePorts(c, this.opts.env);
    this.dashboardUrl = `http://localhost:${ports.dashboard}`;
    this.loginUrl = this.authToken
      ? `${this.dashboardUrl}/login?token=${encodeURIComponent(this.authToken)}`
      : this.dashboardUrl;
    this.broker = await startLocalBroker(
      `http://127.0.0.1:${ports.dashboard}/`,
      undefined,
      ports.notify === undefined ? [] : [{ url: `http://127.0.0.1:${ports.notify}/`, types: NOTIFY_TRIGGERS }],
    );
    const specs = planParts({
      env: this.opts.env,
      redisUrl: this.redisUrl,
      clipsDir: c.common.clipsDir,
      rtspUrlTemplate: c.common.rtspUrlTemplate,
      vllmBaseUrl: c.common.vllmBaseUrl,
      ports,
      sinkUrl: this.broker.url,
      ...(this.authToken ? { alertsToken: this.authToken } : {}),
      linkSecret: this.c.notify.linkSecret ?? randomBytes(24).toString('base64url'),
    });
    this.monitor = new Monitor(this.redisUrl, c.common.redisPrefix);
    const earlier = await this.monitor.refresh();
    if (earlier && earlier.clipsEnqueued > 0) {
      this.say(
        `  · Redis already holds ${earlier.clipsEnqueued} clips from earlier runs under ${c.common.redisPrefix}: — the counts and the dashboard include them (another REDIS_PREFIX starts clean)`,
      );
    }
    this.say(`  logs: ${pretty(this.logsDir)}/<part>.log`);
    for (const spec of specs) {
      const part = new Part(spec, {
        repoRoot: this.opts.repoRoot,
        logsDir: this.logsDir,
        maxRestarts: c.stack.restarts,
        onEvent: (m) => {
          this.say(this.term.style.red(`✖ ${m}`));
          this.writeState();
        },
      });
      part.on('spawn', () => this.writeState());
      this.parts.push(part);
    }
    let failed: string | undefined;
    let rootCause: Error | undefined;
    const abortIf = () => (this.signals > 0 ? 'stop requested' : failed);
    const ready = new Map<string, Promise<void>>();
    const startOne = async (part: Part) => {
      await Promise.all(part.spec.after.map((d) => ready.get(d) ?? Promise.resolve()));
      if (abortIf()) return;
      const t0 = Date.now();
      this.say(
        `  … ${part.spec.name}: starting${part.spec.name === 'rtsp-sim' ? ' (the first run renders the simulated scenes: a minute or two)' : ''}`,
      );
      part.start();
      await part.waitReady(c.stack.readyTimeoutSeconds * 1000, abortIf);
      this.say(
        `  ✔ ${part.spec.name} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s${this.readyNote(part.spec.name, ports)}`,
      );
    };
    // parts are listed after what they wait for, so every dependency's promise exists already;
    // the first failure stops the others from waiting (they give up with "X did not start")
    for (const part of this.parts) {
      ready.set(
        part.spec.name,
        startOne(part).catch((err: Error) => {
          if (!failed && this.signals === 0) {
            failed = `${part.spec.name} did not start`;
            rootCause = err;
          }
          throw err;
        }),
      );
    }
    await Promise.allSettled(ready.values());
    if (rootCause) throw rootCause;
    if (this.signals === 0)
      await this.startReplicas(
        specs.find((s) => s.name === 'inference'),
        specs.find((s) => s.name === 'vllm-sim'),
      );
  }

  /** Hands inference (and its vllm-sim) to the replica set: the local KEDA + HPA equivalent, or INFERENCE_REPLICAS. */
  private async startReplicas(inference: PartSpec | undefined, vllmSim: PartSpec | undefined): Promise<void> {
    const c = this.c;
    const first = this.parts.find((p) => p.spec.name === 'inference');
    if (!inference || !first) return;
    const mode = localAutoscalerMode(c, this.opts.repoRoot);
    this.replicas = new InferenceReplicas({
      inference,
      vllmSim,
      first: { inference: first, vllm: this.parts.find((p) => p.spec.name === 'vllm-sim') },
      partOptions: {
        repoRoot: this.opts.repoRoot,
        logsDir: this.logsDir,
        maxRestarts: c.stack.restarts,
        onEvent: (m) => this.say(this.term.style.red(`✖ ${m}`)),
      },
      redisUrl: this.redisUrl,
      prefix: c.common.redisPrefix,
      mode,
      graceMs: c.stack.stopTimeoutSeconds * 1000,
      readyTimeoutMs: c.stack.readyTimeoutSeconds * 1000,
      onPart: (p, added) => {
        if (added) this.parts.push(p);
        else if (this.parts.includes(p)) this.parts.splice(this.parts.indexOf(p), 1);
        this.writeState();
      },
      onPoll: (s, d) => {
        if (d?.changed) this.stackLog.write(`inference replicas ${d.reason}`);
        void s;
      },
      onProblem: (m) => this.say(this.term.style.yellow(`  ! ${m}`)),
    });
    await this.replicas.start();
    const r = this.replicas.last;
    this.say(
      'pinned' in mode
        ? `  ✔ inference: ${mode.pinned} replica(s), pinned by INFERENCE_REPLICAS`
        : `  ✔ inference: ${r?.running ?? 1} replica(s), scaled ${mode.autoscale.minReplicas}–${mode.autoscale.maxReplicas} by the local KEDA + HPA equivalent every ${mode.autoscale.pollingIntervalSeconds} s`,
    );
  }

  private readyNote(name: string, ports: StackPorts): string {
    if (name === 'rtsp-sim') return ` · rtsp://127.0.0.1:${ports.rtspClient}/cam1 … cam${this.c.common.numStreams}`;
    if (name === 'vllm-sim')
      return ` · http://127.0.0.1:${ports.vllmSim}/v1 (a simulator of the model server, not a safety model)`;
    if (name === 'alerts') return ` · dashboard ${this.dashboardUrl}`; // the login link: once, in the ready banner
    return '';
  }

  private printReady(): void {
    const s = this.term.style;
    this.say(
      [
        '',
        `  ${s.bold(`Dashboard: ${this.loginUrl}`)}  — incidents appear within about a minute.`,
        ...(this.authToken
          ? ['  (the link logs this browser in; the token is also in the state file, which only you can read)']
          : []),
        `  Logs: ${pretty(this.logsDir)}/<part>.log · state: ${pretty(this.stateFile)} · clips: ${pretty(this.c.common.clipsDir)}`,
        '  Ctrl-C stops everything (capture first, so the last clips are finalised and judged).',
        '',
      ].join('\n'),
    );
  }

  private startTicker(): void {
    const mode = this.c.stack.status === 'panel' && !this.term.live ? 'lines' : this.c.stack.status;
    let busy = false;
    let lastLine = 0;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        for (const p of this.parts) p.rememberDescendants();
        await this.refresh();
        if (this.state !== 'running') return; // shutting down: the panel stays frozen
        if (mode === 'panel') this.term.panel(renderPanel(this.model(), this.term.style));
        if (mode === 'lines' && Date.now() - lastLine >= this.c.stack.statusSeconds * 1000 - 500) {
          lastLine = Date.now();
          this.term.line(renderLine(this.model()));
        }
        this.writeState();
      } finally {
        busy = false;
      }
    };
    this.timer = setInterval(() => void tick(), 1000);
    void tick();
  }

  private async refresh(): Promise<void> {
    await this.monitor?.refresh();
  }

  private model(): PanelModel {
    return {
      uptimeMs: Date.now() - this.startedAt.getTime(),
      dashboardUrl: this.dashboardUrl, // repeated every few seconds: never the token (issue #28.5)
      logsDir: pretty(this.logsDir),
      status: this.monitor?.error ? undefined : this.monitor?.last,
      statusError: this.monitor ? this.monitor.error : 'starting',
      clipsPerMin: this.monitor?.clipsPerMin ?? 0,
      events: this.broker?.counts,
      numStreams: this.c.common.numStreams,
      replicas: this.replicas?.last,
      parts: this.parts.map((p) => ({
        name: p.spec.name,
        state: p.state,
        restarts: p.restarts,
        lastExit: p.lastExit ? describeExit(p.lastExit) : undefined,
        tail: p.lastExit?.tail,
      })),
    };
  }

  /** Capture first (SIGINT finalises its clips), drain the queue, then inference, then the rest; then Redis. */
  private async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.replicas?.freeze(); // no scaling while draining and stopping
    this.term.freeze();
    if (this.state !== 'failed') this.state = 'stopping';
    this.writeState();
    const grace = this.c.stack.stopTimeoutSeconds * 1000;
    const byName = new Map(this.parts.map((p) => [p.spec.name, p]));
    for (const name of STOP_ORDER) {
      const part = byName.get(name);
      if (!part) continue;
      if (name === 'inference') {
        await this.drain(part);
        await this.replicas?.stopAll(grace, { keepFirst: true }); // replicas 2…N (SIGTERM: they release their jobs)
      }
      if (!part.alive) {
        await part.stop(grace);
        continue;
      }
      const t0 = Date.now();
      this.say(`  … stopping ${name} (${part.spec.stopSignal})`);
      const { escalated } = await part.stop(grace);
      const how = escalated
        ? this.term.style.red(`did not exit within ${grace / 1000} s: killed with SIGKILL`)
        : `stopped (${describeExit(part.lastExit)})`;
      this.say(`  ${escalated ? '✖' : '✔'} ${name} ${how} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    await this.broker?.close();
    await this.refresh();
    const last = this.monitor?.error ? undefined : this.monitor?.last;
    if (last && this.state !== 'failed') this.say(`  ${renderSummary(last, Date.now() - this.startedAt.getTime())}`);
    this.monitor?.close();
    if (this.redis) {
      await this.redis.stop();
      this.say(`  ✔ redis-server stopped (${this.redis.url})`);
    }
    if (this.state !== 'failed') this.state = 'stopped';
    this.writeState(new Date());
    this.say(
      this.state === 'stopped' ? 'Safety-Hanta stack stopped.' : 'Safety-Hanta stack did not start (see above).',
    );
    await Promise.all(this.parts.map((p) => p.close()));
    await this.stackLog.close();
  }

  /** Waits (bounded) until every queued clip has a verdict, so no recorded clip is left unjudged. */
  private async drain(inference: Part): Promise<void> {
    const seconds = this.c.stack.drainSeconds;
    const monitor = this.monitor;
    if (!monitor || seconds === 0 || !inference.alive || this.signals > 1 || this.state === 'failed') return;
    const left = () => monitor.backlog();
    const n = await left().catch(() => 0);
    if (n === 0) return;
    this.say(
      `  … waiting up to ${seconds} s for inference to judge ${n} queued clip${n > 1 ? 's' : ''} (Ctrl-C again to skip)`,
    );
    try {
      await waitUntil(async () => (await left()) === 0, {
        timeoutMs: seconds * 1000,
        what: 'the clip queue to drain',
        intervalMs: 300,
        abortIf: () => (this.signals > 1 ? 'skipped' : !inference.alive ? 'inference is not running' : undefined),
      });
      this.say('  ✔ queue drained: every recorded clip has a verdict');
    } catch (err) {
      this.say(`  ! ${(err as Error).message}; the remaining clips stay queued in Redis`);
    }
  }

  private writeState(stoppedAt?: Date): void {
    writeStateFile(this.stateFile, {
      pid: process.pid,
      state: this.state,
      startedAt: this.startedAt.toISOString(),
      ...(stoppedAt ? { stoppedAt: stoppedAt.toISOString() } : {}),
      dashboardUrl: this.dashboardUrl,
      ...(this.authToken ? { loginUrl: this.loginUrl } : {}),
      logsDir: this.logsDir,
      clipsDir: this.c.common.clipsDir,
      events: this.broker ? { sink: this.broker.url, ...this.broker.counts } : undefined,
      redis: {
        url: this.redisUrl,
        prefix: this.c.common.redisPrefix,
        launched: this.redis !== undefined,
        ...(this.redis ? { pid: this.redis.pid } : {}),
      },
      parts: this.parts.map((p) => ({
        name: p.spec.name,
        ...(p.pid !== undefined ? { pid: p.pid } : {}),
        pids: [...p.pids],
        descendants: p.knownPids(),
        url: p.spec.url,
        state: p.state,
        restarts: p.restarts,
        log: p.log.file,
      })),
    });
  }
}

/** Each run starts with fresh logs; the previous run's stay beside them as `<part>.log.1`. */
function rotateLogs(dir: string): void {
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.log')) fs.renameSync(path.join(dir, f), path.join(dir, `${f}.1`));
  }
}
