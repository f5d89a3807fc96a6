import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sleep } from '../functions/shared/src/async';
import { VERDICT_JSON_SCHEMA } from '../functions/shared/src/verdict';
import type { BenchContext } from './run';
import type { BenchTable } from './table';
import { timedChat } from './lib/chat';
import { REPO_ROOT } from '../test/support';
import { cpuSecondsWithChildren } from './lib/proc-stats';
import { startSimProcess } from './lib/sim-process';

/**
 * `npm run bench -- sim-decode`: what vllm-sim's own CPU costs per request for each video decoder
 * (VLLM_SIM_DECODER), on a model clip (10 frames, 448×252, 2 fps) sent as file://. Every request
 * names a fresh copy of the clip, so the sim's decoded-file cache never answers: each one decodes.
 * CPU includes reaped children (the ffmpeg decoder's cost is in its children). Latency knobs are 0
 * so only the sim's CPU is measured; the paced row is `npm start`'s load shape (2 clips/s).
 */
const MODEL_CLIP = path.join(REPO_ROOT, 'functions/inference/fewshot/01-safe/clip.mp4');
const SEQUENTIAL = 40;
const PACED_RPS = 2;
const PACED_SECONDS = 10;

interface Variant {
  label: string;
  overrides: Record<string, string>;
}
const VARIANTS: Variant[] = [
  { label: 'node-av (in-process, default)', overrides: { VLLM_SIM_DECODER: 'node-av' } },
  { label: 'ffmpeg child per request', overrides: { VLLM_SIM_DECODER: 'ffmpeg' } },
  { label: 'no decode (VLLM_SIM_ANALYSIS=false)', overrides: { VLLM_SIM_ANALYSIS: 'false' } },
];

export async function simDecodeBench(ctx: BenchContext): Promise<BenchTable> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-sim-decode-'));
  const total = VARIANTS.length * (SEQUENTIAL + PACED_RPS * PACED_SECONDS + 2);
  const files: string[] = [];
  for (let i = 0; i < total; i++) {
    const f = path.join(dir, `clip-${i}.mp4`);
    await copyFile(MODEL_CLIP, f);
    files.push(f);
  }
  let next = 0;
  const body = () => ({
    model: ctx.config.common.vllmModel,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'video_url', video_url: { url: `file://${files[next++]}` } },
          { type: 'text', text: 'Assess this clip.' },
        ],
      },
    ],
    response_format: {
      type: 'json_schema',
      json_schema: { name: 'verdict', schema: VERDICT_JSON_SCHEMA, strict: true },
    },
    max_tokens: 200,
  });
  const rows: (string | number)[][] = [];
  try {
    for (const v of VARIANTS) {
      const sim = await startSimProcess(ctx.env, {
        ...v.overrides,
        VLLM_SIM_ALLOWED_MEDIA_PATH: dir,
        VLLM_SIM_PREFILL_US_PER_TOKEN: '0',
        VLLM_SIM_DECODE_MS_PER_TOKEN: '0',
        VLLM_SIM_OVERHEAD_MS: '0',
      });
      try {
        const cpu = () => cpuSecondsWithChildren(sim.part.pid) ?? NaN;
        await timedChat(sim.url, body()); // warm-up: module load, decode thread start
        await timedChat(sim.url, body());
        const c0 = cpu();
        const t0 = performance.now();
        for (let i = 0; i < SEQUENTIAL; i++) await timedChat(sim.url, body());
        const wallMs = (performance.now() - t0) / SEQUENTIAL;
        const cpuMs = ((cpu() - c0) * 1000) / SEQUENTIAL;
        // paced: one request every 1/PACED_RPS s, like npm start's cameras
        const p0 = cpu();
        const tp = performance.now();
        const inflight: Promise<unknown>[] = [];
        for (let i = 0; i < PACED_RPS * PACED_SECONDS; i++) {
          const due = tp + (i * 1000) / PACED_RPS;
          await sleep(Math.max(0, due - performance.now()));
          inflight.push(timedChat(sim.url, body()));
        }
        await Promise.all(inflight);
        const pacedPct = (100 * (cpu() - p0)) / ((performance.now() - tp) / 1000);
        rows.push([v.label, cpuMs, wallMs, pacedPct]);
      } finally {
        await sim.stop();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    title: 'vllm-sim: CPU per request by video decoder (model clip, 10 frames 448×252)',
    command: 'npm run bench -- sim-decode',
    columns: [
      'decoder',
      'sim CPU ms per request',
      'wall ms per request (one at a time)',
      `sim CPU % of one core at ${PACED_RPS} clips/s`,
    ],
    rows,
    notes: [
      `${SEQUENTIAL} sequential requests, then ${PACED_RPS * PACED_SECONDS} paced over ${PACED_SECONDS} s; each names a fresh copy of ${path.relative(REPO_ROOT, MODEL_CLIP)}, so every request decodes.`,
      'CPU = the sim process + its reaped children (/proc utime+stime+cutime+cstime); latency knobs 0, so this is the sim’s own cost, not the modelled GPU.',
    ],
  };
}
