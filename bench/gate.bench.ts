import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sleep } from '../functions/shared/src/async';
import { clipStamp, type ClipJob } from '../functions/shared/src/clip-job';
import { hazardsAt, renderAllScenes } from '../simulator/cameras/src/index';
import type { BenchContext } from './run';
import type { BenchTable } from './table';
import { makeModelClip } from './capacity.bench';
import { clipJobFor, cutCopy, deleteKeysUnder, freePort, makeTestClip, waitHttpOk } from '../test/support';
import { benchQueue, startBenchInference } from './lib/inference-part';
import { startSimProcess } from './lib/sim-process';

/**
 * The unchanged-scene gate's table (issue #13, third table of `npm run bench -- capacity`): static
 * cameras (a still floor: rtsp-sim has no `static_floor` scene on this branch, so it is synthesised
 * here) mixed with busy hazard scenes, vllm-sim with pixel analysis ON. Counts verdicts stored with
 * `skipped: "unchanged"` (GPU requests saved) and hazards missed against rtsp-sim's ground truth.
 */
const STATIC_CAMERAS = 4;
const BUSY_CAMERAS = 4;
const CLIPS_PER_CAMERA = 6;
const SEGMENT_S = 5;

interface Truth {
  job: ClipJob;
  hazards: ReadonlySet<string>;
}

async function cut(src: string, offset: number, out: string): Promise<void> {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await cutCopy(src, out, offset, SEGMENT_S);
}

async function job(clipsDir: string, cameraId: string, i: number, fps: number, maxSide: number): Promise<ClipJob> {
  const startedAt = new Date(Date.UTC(2026, 10, 28, 22, 0, 0) + i * SEGMENT_S * 1000);
  const rel = path.posix.join(cameraId, `${clipStamp(startedAt)}.mp4`);
  return {
    ...(await clipJobFor(clipsDir, rel, cameraId, startedAt, SEGMENT_S * 1000)),
    model: await makeModelClip(clipsDir, rel, fps, maxSide),
  };
}

export async function gateBench(ctx: BenchContext): Promise<BenchTable> {
  const clipsDir = await mkdtemp(path.join(os.tmpdir(), 'bench-gate-'));
  const fps = ctx.config.inference.videoFps;
  const maxSide = ctx.config.inference.videoMaxSide;
  try {
    const still = path.join(clipsDir, 'still.mp4');
    await makeTestClip(still, {
      source: 'color=c=0x808080',
      width: 1280,
      height: 720,
      seconds: SEGMENT_S * CLIPS_PER_CAMERA,
      filter: 'noise=alls=3:allf=t',
      preset: 'veryfast',
    });
    const scenes = (await renderAllScenes({})).filter((r) => r.scene.entities.some((e) => e.kind !== 'zone'));
    const truths: Truth[] = [];
    for (let c = 0; c < STATIC_CAMERAS; c++) {
      for (let i = 0; i < CLIPS_PER_CAMERA; i++) {
        const cam = `still${c + 1}`;
        const rel = path.posix.join(
          cam,
          `${clipStamp(new Date(Date.UTC(2026, 10, 28, 22, 0, 0) + i * SEGMENT_S * 1000))}.mp4`,
        );
        await cut(still, i * SEGMENT_S, path.join(clipsDir, rel));
        truths.push({ job: await job(clipsDir, cam, i, fps, maxSide), hazards: new Set() });
      }
    }
    for (let c = 0; c < BUSY_CAMERAS; c++) {
      const r = scenes[c % scenes.length]!;
      for (let i = 0; i < CLIPS_PER_CAMERA; i++) {
        const cam = `busy${c + 1}`;
        const offset = (i * SEGMENT_S) % Math.max(SEGMENT_S, r.scene.duration - SEGMENT_S);
        const rel = path.posix.join(
          cam,
          `${clipStamp(new Date(Date.UTC(2026, 10, 28, 22, 0, 0) + i * SEGMENT_S * 1000))}.mp4`,
        );
        await cut(r.videoPath, offset, path.join(clipsDir, rel));
        const hazards = new Set<string>();
        for (let t = offset + 0.5; t < offset + SEGMENT_S; t += 1)
          for (const h of hazardsAt(r.scene, t)) hazards.add(h.type);
        truths.push({ job: await job(clipsDir, cam, i, fps, maxSide), hazards });
      }
    }
    const sim = await startSimProcess(ctx.env, { VLLM_SIM_ANALYSIS: 'true', VLLM_SIM_ALLOWED_MEDIA_PATH: clipsDir });
    const { prefix, keys, redis, queue } = benchQueue(ctx, 'gate');
    const port = await freePort();
    try {
      // camera by camera in time order, as capture enqueues them
      for (let i = 0; i < CLIPS_PER_CAMERA; i++)
        for (const t of truths.filter((x) => x.job.startedAt === truths[i]!.job.startedAt))
          await queue.enqueue({ ...t.job, startedAt: new Date(Date.now() - t.job.durationMs).toISOString() });
      const inf = startBenchInference(ctx, { prefix, clipsDir, vllmUrl: sim.url, port });
      try {
        await waitHttpOk(`http://127.0.0.1:${port}/healthz`, inf, 60_000);
        const deadline = performance.now() + 240_000;
        while ((await redis.xlen(keys.verdicts)) + (await redis.llen(keys.dead)) < truths.length) {
          if (performance.now() > deadline || !inf.alive())
            throw new Error(`gate bench: not all clips judged: ${inf.logs()}`);
          await sleep(100);
        }
      } finally {
        await inf.stop(5000);
      }
      const byId = new Map<string, { skipped?: unknown; hazards?: { type?: string }[] }>();
      for (const [, fields] of await redis.xrange(keys.verdicts, '-', '+')) {
        const v = fields[fields.indexOf('verdict') + 1];
        const id = fields[fields.indexOf('id') + 1] ?? fields[fields.indexOf('jobId') + 1];
        if (v) {
          const parsed = JSON.parse(v) as {
            id?: string;
            jobId?: string;
            skipped?: unknown;
            hazards?: { type?: string }[];
          };
          byId.set(String(parsed.jobId ?? parsed.id ?? id), parsed);
        }
      }
      const rows: (string | number)[][] = [];
      for (const kind of ['static', 'busy'] as const) {
        const group = truths.filter((t) =>
          kind === 'static'
            ? t.hazards.size === 0 && t.job.cameraId.startsWith('still')
            : t.job.cameraId.startsWith('busy'),
        );
        let skipped = 0;
        let missed = 0;
        let withHazard = 0;
        for (const t of group) {
          const v = byId.get(t.job.id);
          if (v?.skipped === 'unchanged') skipped++;
          if (t.hazards.size === 0) continue;
          withHazard++;
          const seen = new Set((v?.hazards ?? []).map((h) => String(h.type)));
          if (v?.skipped === 'unchanged' || ![...t.hazards].some((h) => seen.has(h))) missed++;
        }
        rows.push([
          kind === 'static' ? 'static (still floor)' : 'busy (rtsp-sim hazard scenes)',
          group.length,
          skipped,
          group.length - skipped,
          withHazard,
          missed,
        ]);
      }
      const total = rows.reduce((a, r) => a + Number(r[2]), 0);
      rows.push([
        'all',
        truths.length,
        total,
        truths.length - total,
        rows.reduce((a, r) => a + Number(r[4]), 0),
        rows.reduce((a, r) => a + Number(r[5]), 0),
      ]);
      return {
        title:
          'Unchanged-scene gate: GPU requests saved on static + busy cameras, hazards missed (VLLM_SIM_ANALYSIS=true)',
        command: 'npm run bench -- capacity-gate',
        columns: [
          'cameras',
          'clips',
          'skipped "unchanged" (GPU requests saved)',
          'judged',
          'clips with a ground-truth hazard',
          'hazards missed',
        ],
        rows,
        notes: [
          `${STATIC_CAMERAS} static cameras (a synthesised still grey floor with sensor noise; rtsp-sim's static_floor is not on this branch) and ${BUSY_CAMERAS} busy cameras (rtsp-sim scenes), ${CLIPS_PER_CAMERA} clips of ${SEGMENT_S} s each, all with model clips and 32×18 gray thumbs.`,
          '"missed" = a clip whose ground truth (rtsp-sim hazardsAt over the clip window) has a hazard, and whose stored verdict was skipped or names none of them. Skips are read from the stored verdict\'s `skipped` field.',
        ],
      };
    } finally {
      await sim.stop();
      await queue.close();
      await deleteKeysUnder(redis, prefix);
      redis.disconnect();
    }
  } finally {
    await rm(clipsDir, { recursive: true, force: true });
  }
}
