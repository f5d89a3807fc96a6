import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { clipJobId, clipStamp, type ClipJob } from '../functions/shared/src/clip-job';
import { redisKeys } from '../functions/shared/src/keys';
import { ClipQueue } from '../functions/shared/src/queue';
import {
  kedaTimingFromManifest,
  scalingSettingsFromManifest,
  type ManifestDoc,
} from '../scripts/stack/manifest-scaling';
import { renderScene, SCENES } from '../simulator/cameras/src/index';
import { parseAllDocuments } from 'yaml';
import { scaleTiming, type AutoscalerSettings } from '../scripts/stack/autoscale';
import { InferenceReplicas, unplannedReplicaParts } from '../scripts/stack/replicas';
import { TIMING_MANIFEST } from '../scripts/stack/replica-settings';
import { autoscaleSvg, type AutoscalePoll, type ChartRun } from './lib/autoscale-chart';
import { deleteKeysUnder, REPO_ROOT } from '../test/support';
import { SOURCED_C, muFromCoefficients } from '../scripts/size/derive';
import { percentile, type BenchTable } from './table';
import type { BenchContext } from './run';
import { sleep } from '../functions/shared/src/async';

const run = promisify(execFile);

/** Time constants of the manifests divided by this (poll 10 s → 0.5 s, scale-down window 600 s → 30 s, 1 pod/300 s → 1 pod/15 s). */
const TIME_SCALE = 20;
const SEGMENT_SECONDS = 5;
/** The camera ramp: [seconds, cameras] */
const RAMP: readonly (readonly [number, number])[] = [
  [20, 2],
  [100, 16],
  [60, 2],
];
/** After the ramp: wait (cameras 0) until drained and back to min, at most this long. */
const TAIL_SECONDS = 75;
/** One simulated GPU per replica: ≈ 3 s per request at INFERENCE_CONCURRENCY 4 ≈ 1.3 clips/s. */
const SIM_ENV = { VLLM_SIM_OVERHEAD_MS: '2300', VLLM_SIM_HOST: '127.0.0.1' };
/** The simulated pod's rate (clips/s). This box cannot run pods at a GPU's 24 clips/s. */
const SIM_MU = 1.3;
/**
 * The manifests' targets are μ × W and μ × (service + preparation) for a GPU's μ (docs/deploy.md §6,
 * `npm run size`); for pods of rate SIM_MU the same wait budget needs them × SIM_MU / μ (186 → 10,
 * 56 → 3), so the simulated fleet meets the manifests' latency budget the way GPU pods would.
 */
const RATE_SCALE = SIM_MU / muFromCoefficients(SOURCED_C);
const scaledTarget = (n: number | undefined) => (n === undefined ? undefined : Math.max(1, Math.round(n * RATE_SCALE)));

interface RunResult {
  readonly name: string;
  readonly polls: AutoscalePoll[];
  readonly enqueued: number;
  readonly judged: number;
  readonly duplicates: number;
  readonly dead: number;
  readonly latencies: number[];
  readonly scaleEvents: string[];
  readonly replicaSeconds: number;
  readonly seconds: number;
}

/** A few real 5 s clips (rtsp-sim scenes, 640×360) that every enqueued job hard-links to. */
async function clipLibrary(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const scene of SCENES.slice(0, 4)) {
    const r = await renderScene(scene, { width: 640, height: 360, fps: 10 });
    const out = path.join(dir, `lib-${scene.name}.mp4`);
    await run('ffmpeg', [
      '-hide_banner',
      '-v',
      'error',
      '-ss',
      '5',
      '-i',
      r.videoPath,
      '-t',
      String(SEGMENT_SECONDS),
      '-c',
      'copy',
      '-y',
      out,
    ]);
    files.push(out);
  }
  return files;
}

function settingsFromManifest(inFlightTrigger: boolean): AutoscalerSettings {
  const doc = parseAllDocuments(fs.readFileSync(path.join(REPO_ROOT, TIMING_MANIFEST), 'utf8'))
    .map((d) => d.toJS() as ManifestDoc)
    .find((d) => d.kind === 'Service')!;
  const s = scalingSettingsFromManifest(doc);
  return {
    listLength: scaledTarget(s.listLength) as number,
    activationListLength: s.activationListLength,
    minReplicas: s.minReplicas,
    maxReplicas: s.maxReplicas,
    ...(inFlightTrigger
      ? { inFlightLength: scaledTarget(s.inFlightLength), activationInFlightLength: s.activationInFlightLength }
      : {}),
    ...scaleTiming(kedaTimingFromManifest(doc), TIME_SCALE),
  };
}

/** A CloudEvent sink that accepts everything (inference publishes verdicts and alerts to K_SINK). */
async function startSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(202);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function rampRun(
  ctx: BenchContext,
  name: string,
  inFlightTrigger: boolean,
  library: string[],
): Promise<RunResult> {
  const prefix = `bench-autoscale-${randomUUID().slice(0, 8)}`;
  const keys = redisKeys(prefix);
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 2 });
  const queue = new ClipQueue(redis, { keys, maxAttempts: 5, heartbeatTtlSeconds: 10 });
  const clipsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-autoscale-clips-'));
  const logsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-autoscale-logs-'));
  const sink = await startSink();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    REDIS_URL: ctx.redisUrl,
    REDIS_PREFIX: prefix,
    CLIPS_DIR: clipsDir,
    K_SINK: sink.url,
    LOG_LEVEL: 'warn',
    PORT: '0',
    FEWSHOT_DIR: path.join(REPO_ROOT, 'functions', 'inference', 'fewshot'),
    INFERENCE_CONCURRENCY: '4',
    VIDEO_SAMPLING: 'keyframes',
    SEGMENT_SECONDS: String(SEGMENT_SECONDS),
    VLLM_SIM_ALLOWED_MEDIA_PATH: clipsDir,
    ...SIM_ENV,
  };
  const settings = settingsFromManifest(inFlightTrigger);
  const clipEnd = new Map<string, number>();
  const seen = new Map<string, number>();
  const verdictAt: { atMs: number; latencyS: number }[] = [];
  const polls: AutoscalePoll[] = [];
  const scaleEvents: string[] = [];
  let cameras = 0;
  const t0 = Date.now();
  const replicas = new InferenceReplicas({
    ...unplannedReplicaParts(env),
    partOptions: { repoRoot: REPO_ROOT, logsDir, maxRestarts: 2 },
    redisUrl: ctx.redisUrl,
    prefix,
    mode: { autoscale: settings },
    graceMs: 20_000,
    readyTimeoutMs: 90_000,
    onPoll: (s, d) => {
      const now = Date.now();
      const recent = verdictAt.filter((v) => v.atMs >= now - 60_000).map((v) => v.latencyS);
      polls.push({
        t: (now - t0) / 1000,
        cameras,
        queued: s.queued,
        inFlight: s.inFlight,
        desired: s.desired,
        running: s.running,
        p95s: recent.length ? percentile(recent, 95) : undefined,
      });
      if (d?.changed) scaleEvents.push(`${((now - t0) / 1000).toFixed(1)} s ${d.reason}`);
    },
    onProblem: (m) => console.error(`bench autoscale (${name}): ${m}`),
  });

  // verdict reader: the stream's entry ids are commit times (ms)
  let lastId = '-';
  let reading = true;
  const reader = (async () => {
    while (reading) {
      const entries = (await redis
        .xrange(keys.verdicts, lastId === '-' ? '-' : `(${lastId}`, '+', 'COUNT', 1000)
        .catch(() => [])) as [string, string[]][];
      for (const [id, fields] of entries) {
        lastId = id;
        const jobId = fields[fields.indexOf('jobId') + 1] ?? '';
        seen.set(jobId, (seen.get(jobId) ?? 0) + 1);
        const end = clipEnd.get(jobId);
        const at = Number(id.split('-')[0]);
        if (end !== undefined && seen.get(jobId) === 1) verdictAt.push({ atMs: at, latencyS: (at - end) / 1000 });
      }
      await sleep(250);
    }
  })();

  let n = 0;
  const enqueueClip = async (cam: number, endMs: number) => {
    const cameraId = `cam${cam}`;
    const startedAt = new Date(endMs - SEGMENT_SECONDS * 1000);
    const rel = path.join(cameraId, `${clipStamp(startedAt)}.mp4`);
    fs.mkdirSync(path.join(clipsDir, cameraId), { recursive: true });
    fs.linkSync(library[n++ % library.length]!, path.join(clipsDir, rel));
    const job: ClipJob = {
      v: 1,
      id: clipJobId(cameraId, startedAt),
      cameraId,
      path: rel,
      startedAt: startedAt.toISOString(),
      durationMs: SEGMENT_SECONDS * 1000,
      bytes: fs.statSync(path.join(clipsDir, rel)).size,
      attempt: 0,
    };
    clipEnd.set(job.id, endMs);
    await queue.enqueue(job);
  };

  try {
    await replicas.start();
    // each camera closes a clip every SEGMENT_SECONDS, cameras staggered over the segment
    const nextEnd = new Map<number, number>();
    for (const [seconds, count] of RAMP) {
      cameras = count;
      const phaseEnd = Date.now() + seconds * 1000;
      for (let c = 1; c <= count; c++)
        if (!nextEnd.has(c)) nextEnd.set(c, Date.now() + ((c - 1) * SEGMENT_SECONDS * 1000) / count + 1);
      for (const c of [...nextEnd.keys()]) if (c > count) nextEnd.delete(c);
      while (Date.now() < phaseEnd) {
        const now = Date.now();
        for (const [c, end] of nextEnd) {
          if (now >= end) {
            await enqueueClip(c, end);
            nextEnd.set(c, end + SEGMENT_SECONDS * 1000);
          }
        }
        await sleep(100);
      }
    }
    cameras = 0;
    const tailEnd = Date.now() + TAIL_SECONDS * 1000;
    while (Date.now() < tailEnd) {
      const done = [...clipEnd.keys()].every((id) => seen.has(id)) && (await queue.claimedCount()) === 0;
      if (done && replicas.desired === settings.minReplicas && replicas.running === settings.minReplicas) break;
      await sleep(500);
    }
    await sleep(500);
  } finally {
    reading = false;
    await reader;
    await replicas.stopAll(20_000);
    await sink.close();
  }
  const dead = (await queue.depth()).dead;
  const seconds = (Date.now() - t0) / 1000;
  let replicaSeconds = 0;
  for (let i = 1; i < polls.length; i++) replicaSeconds += polls[i - 1]!.running * (polls[i]!.t - polls[i - 1]!.t);
  const result: RunResult = {
    name,
    polls,
    enqueued: clipEnd.size,
    judged: [...clipEnd.keys()].filter((id) => seen.has(id)).length,
    duplicates: [...seen.values()].filter((c) => c > 1).length,
    dead,
    latencies: verdictAt.map((v) => v.latencyS),
    scaleEvents,
    replicaSeconds,
    seconds,
  };
  // clean up this run's keys and files
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  await queue.close();
  fs.rmSync(clipsDir, { recursive: true, force: true });
  fs.rmSync(logsDir, { recursive: true, force: true });
  return result;
}

function pollRows(r: RunResult, everySeconds: number): (string | number)[][] {
  const rows: (string | number)[][] = [];
  let next = 0;
  for (const p of r.polls) {
    if (p.t < next) continue;
    next = p.t + everySeconds;
    rows.push([
      p.t.toFixed(1),
      p.cameras,
      p.queued,
      p.inFlight,
      p.desired,
      p.running,
      p.p95s === undefined ? '–' : p.p95s.toFixed(1),
    ]);
  }
  return rows;
}

function csv(r: RunResult): string {
  return (
    [
      't_s,cameras,queued,in_flight,desired,running,p95_s',
      ...r.polls.map((p) =>
        [
          p.t.toFixed(2),
          p.cameras,
          p.queued,
          p.inFlight,
          p.desired,
          p.running,
          p.p95s === undefined ? '' : p.p95s.toFixed(2),
        ].join(','),
      ),
    ].join('\n') + '\n'
  );
}

/**
 * `npm run bench -- autoscale`: a camera ramp (2 → 16 → 2 → 0 cameras) through the local KEDA +
 * HPA equivalent at the Knative manifest's scaling numbers (time constants ÷ 20), real inference
 * processes each with its own vllm-sim; once with both triggers, once with LLEN only. Writes the
 * SVG chart and the per-poll CSVs to AUTOSCALE_OUT (default docs/).
 */
export async function autoscaleBench(ctx: BenchContext): Promise<BenchTable[]> {
  const outDir = path.resolve(ctx.env.AUTOSCALE_OUT ?? path.join(REPO_ROOT, 'docs'));
  const libDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-autoscale-lib-'));
  const command = 'npm run bench -- autoscale';
  try {
    const library = await clipLibrary(libDir);
    const both = await rampRun(ctx, 'queued + in-flight triggers', true, library);
    const llen = await rampRun(ctx, 'LLEN trigger only', false, library);
    const runs = [both, llen];
    const manifest = settingsFromManifest(true);
    const charts: ChartRun[] = runs.map((r) => ({ title: r.name, polls: r.polls }));
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(
      path.join(outDir, 'autoscale.svg'),
      autoscaleSvg(
        charts,
        `${command} · ${new Date().toISOString().slice(0, 10)} · manifests' numbers, time constants ÷ ${TIME_SCALE}`,
      ),
    );
    fs.writeFileSync(path.join(outDir, 'autoscale-polls-both.csv'), csv(both));
    fs.writeFileSync(path.join(outDir, 'autoscale-polls-llen.csv'), csv(llen));
    const busy = (r: RunResult) => r.polls.filter((p) => p.cameras === RAMP[1]![1]);
    const summary: BenchTable = {
      title: 'Autoscale: camera ramp 2 → 16 → 2 → 0, local KEDA + HPA equivalent (summary)',
      command,
      columns: [
        'run',
        'clips',
        'verdicts',
        'lost',
        'duplicate verdicts',
        'dead letters',
        'peak replicas',
        'replicas during 16 cams (min–max)',
        'scale events',
        'replica·s',
        'p95 clip end → verdict (s)',
        'worst 1-min p95 (s)',
        'run (s)',
      ],
      rows: runs.map((r) => [
        r.name,
        r.enqueued,
        r.judged,
        r.enqueued - r.judged,
        r.duplicates,
        r.dead,
        Math.max(...r.polls.map((p) => p.running)),
        `${Math.min(...busy(r).map((p) => p.running))}–${Math.max(...busy(r).map((p) => p.running))}`,
        r.scaleEvents.length,
        Math.round(r.replicaSeconds),
        percentile(r.latencies, 95),
        Math.max(0, ...r.polls.map((p) => p.p95s ?? 0)),
        Math.round(r.seconds),
      ]),
      notes: [
        `Scaling numbers from ${TIMING_MANIFEST} scaled to the simulated pod's rate (× ${SIM_MU} / ${muFromCoefficients(SOURCED_C).toFixed(1)} clips/s: queued listLength ${manifest.listLength}, in-flight listLength ${manifest.inFlightLength}, min ${manifest.minReplicas}, max ${manifest.maxReplicas}, +2 pods/60 s, −1 pod/300 s after a 600 s window, poll 10 s), time constants ÷ ${TIME_SCALE}.`,
        'Each replica: one inference process (INFERENCE_CONCURRENCY 4, keyframes) with its own vllm-sim (≈ 3 s per request: one simulated GPU ≈ 1.3 clips/s, docs/deploy.md).',
        `Load: real 5 s clips enqueued per camera every ${SEGMENT_SECONDS} s at clip end (capture is not in the loop); lost = enqueued without a verdict at the end.`,
        ...runs.flatMap((r) => [`${r.name}: scale events: ${r.scaleEvents.join(' · ') || 'none'}`]),
      ],
    };
    const perPoll = runs.map((r): BenchTable => ({
      title: `Autoscale per poll, ${r.name} (every 10th second shown; every poll in docs/autoscale-polls-${r === both ? 'both' : 'llen'}.csv)`,
      command,
      columns: ['t (s)', 'cameras', 'queued', 'in flight', 'desired', 'running', 'p95 last min (s)'],
      rows: pollRows(r, 10),
    }));
    return [summary, ...perPoll];
  } finally {
    fs.rmSync(libDir, { recursive: true, force: true });
  }
}
