import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sleep } from '../functions/shared/src/async';
import { clipStamp, type ClipJob } from '../functions/shared/src/clip-job';
import { modelClipPaths, THUMB_HEIGHT, THUMB_WIDTH, type ModelClip } from '../functions/shared/src/model-clip';
import { mp4VideoInfo } from '../functions/shared/src/mp4-info';
import type { BenchContext } from './run';
import type { BenchTable } from './table';
import { clipJobFor, deleteKeysUnder, makeClipLibrary } from '../test/support';
import { freePort, waitHttpOk } from '../test/support';
import { cpuSecondsWithChildren as cpuSeconds } from './lib/proc-stats';
import { benchQueue, startBenchInference } from './lib/inference-part';
import { startSimProcess, type SimProcess } from './lib/sim-process';

const run = promisify(execFile);

/**
 * `npm run bench -- capacity` (issue #13): one inference process at its defaults against vllm-sim
 * set up as a GPU of capacity C clips/s (VLLM_SIM_CAPACITY_RPS; pixel analysis off so the sim's
 * own CPU does not compete), a pre-filled queue of real clips. Table 1: jobs carry capture's model
 * clip (`model`); table 2: the same jobs without it (the pod prepares from the evidence clip).
 */
export const CAPACITIES = [2, 5, 10, 20] as const;
/** Jobs per row: enough for ≥ 25 s at the row's rate (a row stops at WINDOW_S anyway). */
const SECONDS_OF_WORK = 25;
const WINDOW_S = 22;
const DISTINCT_CLIPS = 8;

export const COLUMNS = [
  'server capacity (clips/s)',
  'achieved (clips/s)',
  'ratio',
  'in flight (mean)',
  'inference CPU ms per clip',
  'server idle %',
  'p95 clip wait s',
];

interface Source {
  rel: string;
  model: ModelClip;
}

/** The model clip and gray thumbnails exactly as the contract says (model-clip.ts), made with ffmpeg. */
export async function makeModelClip(clipsDir: string, rel: string, fps: number, maxSide: number): Promise<ModelClip> {
  const { clip, thumbs } = modelClipPaths(rel);
  fs.mkdirSync(path.join(clipsDir, path.dirname(clip)), { recursive: true });
  const scale = `scale=w=${maxSide}:h=${maxSide}:force_original_aspect_ratio=decrease:force_divisible_by=2`;
  await run('ffmpeg', [
    '-hide_banner',
    '-v',
    'error',
    '-y',
    '-i',
    path.join(clipsDir, rel),
    '-filter_complex',
    `[0:v]fps=${fps},split=2[a][b];[a]${scale}[m];[b]scale=${THUMB_WIDTH}:${THUMB_HEIGHT},format=gray[g]`,
    '-map',
    '[m]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    '-fps_mode',
    'cfr',
    '-movflags',
    '+faststart',
    path.join(clipsDir, clip),
    '-map',
    '[g]',
    '-f',
    'rawvideo',
    path.join(clipsDir, thumbs),
  ]);
  const info = mp4VideoInfo(fs.readFileSync(path.join(clipsDir, clip)));
  return { path: clip, fps, frames: info.frames, sampling: 'fps', maxSide, thumbs };
}

/** `count` jobs, each its own camera/stamp path, hard-linked to one of the sources (and its model clip). */
async function linkJobs(clipsDir: string, sources: readonly Source[], count: number, tag: string): Promise<ClipJob[]> {
  const jobs: ClipJob[] = [];
  const base = Date.UTC(2026, 10, 28, 21, 0, 0);
  for (let i = 0; i < count; i++) {
    const src = sources[i % sources.length]!;
    const cameraId = `${tag}${(i % 50) + 1}`;
    const startedAt = new Date(base + i * 5000);
    const rel = path.posix.join(cameraId, `${clipStamp(startedAt)}.mp4`);
    const paths = modelClipPaths(rel);
    fs.mkdirSync(path.join(clipsDir, cameraId, '.model'), { recursive: true });
    fs.linkSync(path.join(clipsDir, src.rel), path.join(clipsDir, rel));
    fs.linkSync(path.join(clipsDir, src.model.path), path.join(clipsDir, paths.clip));
    fs.linkSync(path.join(clipsDir, src.model.thumbs!), path.join(clipsDir, paths.thumbs));
    const model = { ...src.model, path: paths.clip, thumbs: paths.thumbs };
    jobs.push({ ...(await clipJobFor(clipsDir, rel, cameraId, startedAt, 5000)), model });
  }
  return jobs;
}

/** Nearest-rank quantile from a Prometheus histogram's cumulative buckets (upper bound of the bucket). */
export function histogramQuantile(text: string, name: string, q: number): number | undefined {
  const buckets: [number, number][] = [];
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)`).exec(line);
    if (m) buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
  }
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return undefined;
  return buckets.find(([, c]) => c >= q * total)?.[0];
}

/** A quantile for a table cell: past the largest finite bucket it reads "> that bound". */
function quantileCell(v: number | undefined, text: string, name: string): string | number {
  if (v === undefined) return 'n/a';
  if (Number.isFinite(v)) return v;
  const bounds = [...text.matchAll(new RegExp(`^${name}_bucket\\{[^}]*le="([0-9.e+]+)"`, 'gm'))].map((m) =>
    Number(m[1]),
  );
  return `> ${Math.max(...bounds)}`;
}

function gaugeValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.trim().split(/\s+/).at(-1)) : 0;
}

interface RowResult {
  row: (string | number)[];
  statuses: Record<string, number>;
}

async function runRow(
  ctx: BenchContext,
  clipsDir: string,
  capacity: number,
  jobs: readonly ClipJob[],
  withModel: boolean,
): Promise<RowResult> {
  const sim: SimProcess = await startSimProcess(ctx.env, {
    VLLM_SIM_CAPACITY_RPS: String(capacity),
    VLLM_SIM_ANALYSIS: 'false',
    VLLM_SIM_ALLOWED_MEDIA_PATH: clipsDir,
  });
  const { prefix, keys, redis, queue } = benchQueue(ctx, 'cap');
  const port = await freePort();
  try {
    for (const job of jobs) {
      // stamped as just recorded (the clip-wait histogram counts from the clip's end), as runPipeline does
      const fresh: ClipJob = { ...job, startedAt: new Date(Date.now() - job.durationMs).toISOString() };
      if (!withModel) delete fresh.model;
      await queue.enqueue(fresh);
    }
    const inf = startBenchInference(ctx, { prefix, clipsDir, vllmUrl: sim.url, port });
    try {
      await waitHttpOk(`http://127.0.0.1:${port}/healthz`, inf, 60_000);
      const done = async () => (await redis.xlen(keys.verdicts)) + (await redis.llen(keys.dead));
      // the window opens at the first verdict (process start-up and the few-shot prefill excluded)
      while ((await done()) === 0) {
        if (!inf.alive()) throw new Error(`inference exited: ${inf.logs()}`);
        await sleep(20);
      }
      const d0 = await done();
      const c0 = cpuSeconds(inf.pid) ?? NaN;
      const t0 = performance.now();
      let idle = 0;
      let samples = 0;
      let inflightSum = 0;
      let d = d0;
      while (performance.now() - t0 < WINDOW_S * 1000 && d < jobs.length) {
        const text = await sim.metricsText();
        const running = gaugeValue(text, 'vllm:num_requests_running');
        const waiting = gaugeValue(text, 'vllm:num_requests_waiting');
        d = await done();
        samples++;
        inflightSum += running + waiting;
        if (running === 0 && d < jobs.length) idle++;
        await sleep(50);
      }
      const seconds = (performance.now() - t0) / 1000;
      const clips = d - d0;
      const cpuMs = (((cpuSeconds(inf.pid) ?? NaN) - c0) * 1000) / Math.max(1, clips);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const p95 = histogramQuantile(metrics, 'safetyhanta_inference_queue_wait_seconds', 0.95);
      const statuses: Record<string, number> = {};
      for (const [, fields] of await redis.xrange(keys.verdicts, '-', '+')) {
        const v = fields[fields.indexOf('verdict') + 1];
        const s = v ? String((JSON.parse(v) as { status?: unknown }).status) : 'unknown';
        statuses[s] = (statuses[s] ?? 0) + 1;
      }
      const achieved = clips / seconds;
      return {
        row: [
          capacity,
          achieved,
          achieved / capacity,
          inflightSum / Math.max(1, samples),
          cpuMs,
          (100 * idle) / Math.max(1, samples),
          quantileCell(p95, metrics, 'safetyhanta_inference_queue_wait_seconds'),
        ],
        statuses,
      };
    } finally {
      await inf.stop(5000);
    }
  } finally {
    await sim.stop();
    await queue.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  }
}

export async function capacityBench(ctx: BenchContext): Promise<BenchTable[]> {
  const clipsDir = await mkdtemp(path.join(os.tmpdir(), 'bench-capacity-'));
  const fps = ctx.config.inference.videoFps;
  const maxSide = ctx.config.inference.videoMaxSide;
  try {
    const library = await makeClipLibrary(clipsDir, DISTINCT_CLIPS, 5, { camera: (i) => `src${i + 1}` });
    const sources: Source[] = [];
    for (const j of library) sources.push({ rel: j.path, model: await makeModelClip(clipsDir, j.path, fps, maxSide) });
    const tables: BenchTable[] = [];
    for (const withModel of [true, false]) {
      const rows: (string | number)[][] = [];
      for (const c of CAPACITIES) {
        const jobs = await linkJobs(clipsDir, sources, c * SECONDS_OF_WORK, `${withModel ? 'm' : 'e'}${c}cam`);
        const r = await runRow(ctx, clipsDir, c, jobs, withModel);
        console.error(
          `bench: capacity ${c} (model ${withModel}): ${JSON.stringify(r.row)} ${JSON.stringify(r.statuses)}`,
        );
        rows.push(r.row);
      }
      tables.push({
        title: withModel
          ? 'Capacity: one inference pod at its defaults vs a GPU of capacity C (jobs carry the capture-made model clip)'
          : 'Capacity: the same, jobs without `model` (the pod prepares from the evidence clip itself)',
        command: 'npm run bench -- capacity',
        columns: COLUMNS,
        rows,
        notes: [
          `vllm-sim with VLLM_SIM_CAPACITY_RPS=C and VLLM_SIM_ANALYSIS=false (a fixed safe verdict, no pixels decoded, so the sim's CPU does not compete); other latency knobs at their defaults; max_num_seqs = VLLM_SIM_MAX_BATCH.`,
          `Queue pre-filled with C × ${SECONDS_OF_WORK} real 5 s clips (${DISTINCT_CLIPS} rtsp-sim scene cuts, hard-linked per job; model clips ${fps} fps, long side ${maxSide}, 32×18 gray thumbs as functions/shared/src/model-clip.ts says). Each row measures ${WINDOW_S} s from the first verdict (or until the queue is drained).`,
          'in flight = vllm:num_requests_running + waiting sampled every 50 ms; server idle % = samples with none running while jobs remained; CPU = inference process + its reaped ffmpeg children (utime+stime+cutime+cstime) ÷ clips done in the window; p95 clip wait from safetyhanta_inference_queue_wait_seconds (bucket upper bound; a pre-filled queue makes it grow with the row).',
          `Inference env as given (INFERENCE_CONCURRENCY=${ctx.config.inference.concurrency} today).`,
        ],
      });
    }
    return tables;
  } finally {
    await rm(clipsDir, { recursive: true, force: true });
  }
}
