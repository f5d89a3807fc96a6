import fs from 'node:fs';
import { redactUrls } from '../../functions/shared/src/redact';
import { randomBytes } from 'node:crypto';
import { NOTIFY_TRIGGERS, startLocalBroker } from './broker';
import { pretty, readyNote, replicasText, startingText } from './messages';
import { Monitor } from './monitor';
import { Part, type PartSpec } from './part';
import { planParts, type StackPorts } from './plan';
import { formatIssues } from './preflight';
import { isAlive } from './proc';
import { launchRedis } from './redis';
import { localAutoscalerMode } from './replica-settings';
import { InferenceReplicas } from './replicas';
import { allocatePorts, anotherStackRunning, gatherIssues, probeModelServer, reapLeftovers } from './setup';
import { say, type StackRun } from './stack-run';
import { writeState } from './state-snapshot';
import { waitUntil } from '../../functions/shared/src/async';

/** Leftovers of a stack that died, the pre-flight checks, the model server probe, and Redis (reused or launched). */
export async function preflight(run: StackRun): Promise<boolean> {
  const { c } = run;
  const leftovers = anotherStackRunning(run.stateFile) ? [] : reapLeftovers(run.stateFile);
  if (leftovers.length > 0) {
    say(
      run,
      `  ! killed ${leftovers.length} process(es) left running by a previous stack that did not stop cleanly: ${leftovers.join(' ')}`,
    );
    await waitUntil(() => leftovers.every((p) => !isAlive(p)), {
      timeoutMs: 5000,
      what: 'the leftover processes to exit',
    }).catch(() => undefined);
  }
  const { issues, redisAnswers: answers } = await gatherIssues(c, run.opts.env, run.stateFile);
  if (issues.length > 0) {
    say(run, formatIssues(issues));
    return false;
  }
  say(run, `${run.term.style.bold('Safety-Hanta')} · starting the local stack with ${c.common.numStreams} cameras`);
  say(run, `  ✔ pre-flight: Node.js ${process.versions.node}, ffmpeg, port ${c.common.port} free`);
  if (c.common.vllmBaseUrl) {
    const probe = await probeModelServer(c);
    say(run, probe.ok ? `  ✔ ${probe.text}` : run.term.style.yellow(`  ! ${probe.text}`));
  }
  if (answers) {
    say(run, `  ✔ redis: using ${redactUrls(c.common.redisUrl)} (keys under ${c.common.redisPrefix}:)`);
  } else {
    run.redis = await launchRedis(c.tools.redisServerPath, run.logsDir);
    run.redisUrl = run.redis.url;
    say(
      run,
      `  ✔ redis: nothing answered at ${redactUrls(c.common.redisUrl)}; started redis-server at ${run.redis.url} (temporary, no persistence)`,
    );
  }
  return true;
}

/** The parts as planned, each supervised (restarts, log), not yet started. */
async function createParts(run: StackRun, ports: StackPorts): Promise<PartSpec[]> {
  const { c } = run;
  // notify (issue #24) gets a copy of the types its Triggers take (knative/notify/triggers.yaml)
  run.broker = await startLocalBroker(
    `http://127.0.0.1:${ports.dashboard}/`,
    undefined,
    ports.notify === undefined ? [] : [{ url: `http://127.0.0.1:${ports.notify}/`, types: NOTIFY_TRIGGERS }],
  );
  const specs = planParts({
    env: run.opts.env,
    redisUrl: run.redisUrl,
    clipsDir: c.common.clipsDir,
    rtspUrlTemplate: c.common.rtspUrlTemplate,
    vllmBaseUrl: c.common.vllmBaseUrl,
    ports,
    sinkUrl: run.broker.url,
    ...(run.authToken ? { alertsToken: run.authToken } : {}),
    // one per stack unless set: notify signs acknowledge links, alerts verifies them
    linkSecret: c.notify.linkSecret ?? randomBytes(24).toString('base64url'),
    // used only with NOTIFY_REPORT_TO and no ALERTS_VIEWER_TOKEN: notify's read-only key to the daily report
    reportToken: randomBytes(24).toString('base64url'),
  });
  for (const spec of specs) {
    const part = new Part(spec, {
      repoRoot: run.opts.repoRoot,
      logsDir: run.logsDir,
      maxRestarts: c.stack.restarts,
      onEvent: (m) => {
        say(run, run.term.style.red(`✖ ${m}`));
        writeState(run);
      },
    });
    part.on('spawn', () => writeState(run));
    run.parts.push(part);
  }
  return specs;
}

/** Starts every part in dependency order (each waits for what it is listed after), then the inference replica set. */
export async function startAll(run: StackRun): Promise<void> {
  const { c } = run;
  fs.mkdirSync(c.common.clipsDir, { recursive: true });
  const ports = await allocatePorts(c, run.opts.env);
  run.dashboardUrl = `http://localhost:${ports.dashboard}`;
  run.loginUrl = run.authToken
    ? `${run.dashboardUrl}/login?token=${encodeURIComponent(run.authToken)}`
    : run.dashboardUrl;
  const specs = await createParts(run, ports);
  run.monitor = new Monitor(run.redisUrl, c.common.redisPrefix);
  const earlier = await run.monitor.refresh();
  if (earlier && earlier.clipsEnqueued > 0)
    say(
      run,
      `  · Redis already holds ${earlier.clipsEnqueued} clips from earlier runs under ${c.common.redisPrefix}: — the counts and the dashboard include them (another REDIS_PREFIX starts clean)`,
    );
  say(run, `  logs: ${pretty(run.logsDir)}/<part>.log`);
  let failed: string | undefined;
  let rootCause: Error | undefined;
  const abortIf = () => (run.signals > 0 ? 'stop requested' : failed);
  const ready = new Map<string, Promise<void>>();
  const startOne = async (part: Part) => {
    await Promise.all(part.spec.after.map((d) => ready.get(d) ?? Promise.resolve()));
    if (abortIf()) return;
    const t0 = Date.now();
    say(run, startingText(part.spec.name));
    part.start();
    await part.waitReady(c.stack.readyTimeoutSeconds * 1000, abortIf);
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    say(run, `  ✔ ${part.spec.name} ready in ${seconds} s${readyNote(run, part.spec.name, ports)}`);
  };
  // parts are listed after what they wait for, so every dependency's promise exists already;
  // the first failure stops the others from waiting (they give up with "X did not start")
  for (const part of run.parts) {
    ready.set(
      part.spec.name,
      startOne(part).catch((err: Error) => {
        if (!failed && run.signals === 0) {
          failed = `${part.spec.name} did not start`;
          rootCause = err;
        }
        throw err;
      }),
    );
  }
  await Promise.allSettled(ready.values());
  if (rootCause) throw rootCause;
  if (run.signals === 0)
    await startReplicas(
      run,
      specs.find((s) => s.name === 'inference'),
      specs.find((s) => s.name === 'vllm-sim'),
    );
}

/** Hands inference (and its vllm-sim) to the replica set: the local KEDA + HPA equivalent, or INFERENCE_REPLICAS. */
async function startReplicas(run: StackRun, inference: PartSpec | undefined, vllmSim: PartSpec | undefined) {
  const { c } = run;
  const first = run.parts.find((p) => p.spec.name === 'inference');
  if (!inference || !first) return;
  const mode = localAutoscalerMode(c, run.opts.repoRoot);
  run.replicas = new InferenceReplicas({
    inference,
    vllmSim,
    first: { inference: first, vllm: run.parts.find((p) => p.spec.name === 'vllm-sim') },
    partOptions: {
      repoRoot: run.opts.repoRoot,
      logsDir: run.logsDir,
      maxRestarts: c.stack.restarts,
      onEvent: (m) => say(run, run.term.style.red(`✖ ${m}`)),
    },
    redisUrl: run.redisUrl,
    prefix: c.common.redisPrefix,
    mode,
    graceMs: c.stack.stopTimeoutSeconds * 1000,
    readyTimeoutMs: c.stack.readyTimeoutSeconds * 1000,
    onPart: (p, added) => {
      if (added) run.parts.push(p);
      else if (run.parts.includes(p)) run.parts.splice(run.parts.indexOf(p), 1);
      writeState(run);
    },
    onPoll: (_status, decision) => {
      if (decision?.changed) run.stackLog.write(`inference replicas ${decision.reason}`);
    },
    onProblem: (m) => say(run, run.term.style.yellow(`  ! ${m}`)),
  });
  await run.replicas.start();
  say(run, replicasText(mode, run.replicas.last?.running));
}
