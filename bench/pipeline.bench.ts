import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../functions/shared/src/config';
import { loadFewShot } from '../functions/inference/src/index';
import { prepareClip } from '../functions/inference/src/adapters/prepare';
import { makeClipLibrary } from '../test/support';
import { runPipeline, type PipelineRunResult } from './lib/inference-run';
import { startSimProcess } from './lib/sim-process';
import type { BenchTable } from './table';

/**
 * Benchmark 3: clips/s of inference with the preparer thread vs the sequential loop, against
 * vllm-sim with its latency model on, and the GPU-idle share (no request running) of each;
 * plus the prepare cost of VIDEO_SAMPLING=fps vs keyframes (docs/architecture.md §5).
 */
const CLIPS = 20;
const PREPARE_CLIPS = 10;

interface Mode {
  label: string;
  pipeline: 'thread' | 'sequential';
  concurrency: number;
  sampling: 'fps' | 'keyframes';
}

const MODES: Mode[] = [
  {
    label: 'sequential loop (prepare, then request; 1 in flight)',
    pipeline: 'sequential',
    concurrency: 1,
    sampling: 'fps',
  },
  { label: 'preparer thread, 1 request in flight', pipeline: 'thread', concurrency: 1, sampling: 'fps' },
  {
    label: 'preparer thread, 4 in flight (default INFERENCE_CONCURRENCY)',
    pipeline: 'thread',
    concurrency: 4,
    sampling: 'fps',
  },
  {
    label: 'preparer thread, 4 in flight, VIDEO_SAMPLING=keyframes',
    pipeline: 'thread',
    concurrency: 4,
    sampling: 'keyframes',
  },
];

const s2 = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(2));

export async function pipelineBench(ctx: {
  redisUrl: string;
  config: Config;
  env: Record<string, string | undefined>;
}): Promise<BenchTable[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  const vs = ctx.config.vllmSim;
  const sim = await startSimProcess(ctx.env);
  try {
    const jobs = await makeClipLibrary(dir, CLIPS);
    const fewShot = await loadFewShot(ctx.config.inference.fewshotDir);
    const results: [Mode, PipelineRunResult][] = [];
    for (const mode of MODES) {
      console.error(`bench pipeline: ${mode.label} …`);
      results.push([
        mode,
        await runPipeline({ env: ctx.env, redisUrl: ctx.redisUrl, clipsDir: dir, sim, fewShot, jobs, ...mode }),
      ]);
    }
    const base = results[0]![1].clipsPerSecond;
    const pipelineTable: BenchTable = {
      title: 'Pipeline: preparer thread vs sequential loop (vllm-sim latency model on)',
      command: 'npm run bench -- pipeline',
      columns: [
        'mode',
        'clips',
        'seconds',
        'clips/s',
        'vs sequential',
        'GPU idle (no request running)',
        'mean prepare s',
        'mean model s',
        'verdicts',
      ],
      rows: results.map(([m, r]) => [
        m.label,
        r.clips,
        r.seconds,
        r.clipsPerSecond,
        `${(r.clipsPerSecond / base).toFixed(2)}×`,
        `${(100 * r.gpuIdleShare).toFixed(0)} %`,
        s2(r.meanPrepareS),
        s2(r.meanModelS),
        Object.entries(r.statuses)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') + (r.dead ? `, dead ${r.dead}` : ''),
      ]),
      notes: [
        `${CLIPS} real 5 s 1280×720 clips (rtsp-sim scenes), enqueued at once; startInference in this process (preparer worker thread + model loop), Redis at REDIS_URL, vllm-sim as its own process`,
        `vllm-sim latency model: prefill ${vs.prefillUsPerToken} µs per uncached token (one prefill at a time), decode ${vs.decodeMsPerToken} ms per output token, ${vs.overheadMs} ms overhead, batch ≤ ${vs.maxBatch}; ${fewShot.length} few-shot examples in the cached prefix`,
        'GPU idle = share of samples of vllm-sim’s `vllm:num_requests_running` (polled from /metrics about every 10 ms) that read 0, from the first enqueue to the last verdict',
      ],
    };
    return [pipelineTable, await prepareTable(ctx.config, dir, jobs.slice(0, PREPARE_CLIPS))];
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** utime+stime of this process's reaped children (ffmpeg), seconds. */
function childrenCpuSeconds(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

async function prepareTable(
  config: Config,
  dir: string,
  jobs: Awaited<ReturnType<typeof makeClipLibrary>>,
): Promise<BenchTable> {
  const ic = config.inference;
  const rows: (string | number)[][] = [];
  const measured: Record<string, number> = {};
  for (const sampling of ['fps', 'keyframes'] as const) {
    const cpu0 = childrenCpuSeconds();
    const t0 = performance.now();
    let frames = 0;
    let bytes = 0;
    for (const job of jobs) {
      const media = await prepareClip(job, {
        clipsDir: dir,
        mode: 'video-frames',
        sampling,
        fps: ic.videoFps,
        maxSide: ic.videoMaxSide,
        maxClipSeconds: 60,
      });
      if (media.kind === 'mp4') {
        frames += media.frames;
        bytes += media.base64.length;
      }
    }
    const wall = (performance.now() - t0) / jobs.length;
    measured[sampling] = wall;
    const cpu = (childrenCpuSeconds() - cpu0) / jobs.length;
    rows.push([
      sampling === 'fps' ? `fps (${ic.videoFps} fps)` : 'keyframes (-skip_frame nokey)',
      jobs.length,
      wall / 1000,
      cpu,
      frames / jobs.length,
      bytes / jobs.length / 1024,
    ]);
  }
  rows.push(['ratio fps / keyframes', '', `${(measured.fps! / measured.keyframes!).toFixed(1)}×`, '', '', '']);
  return {
    title: 'Prepare cost per clip: VIDEO_SAMPLING=fps vs keyframes',
    command: 'npm run bench -- pipeline',
    columns: [
      'sampling',
      'clips',
      'wall s per clip',
      'ffmpeg CPU-s per clip',
      'frames per clip',
      'base64 KiB per clip (data:video/mp4)',
    ],
    rows,
    notes: [
      `prepareClip (the preparer's own function: path guard + one ffmpeg decode/sample/scale to ${ic.videoMaxSide} px + libx264 ultrafast model clip MP4, read back as base64), clips one after another; 5 s 1280×720 25 fps clips with a 1 s GOP`,
    ],
  };
}
