/**
 * The ONE place the evaluation harness calls inference's code: the preparer (`prepareClip`),
 * the prompt kit (`createPromptKit`), `judge` and the vLLM client, configured by the shared
 * config parser (VLLM_BASE_URL, VLLM_MODEL, VIDEO_*, FEWSHOT_DIR, CAMERAS_FILE, VERDICT_LANGUAGE…).
 * Evaluation therefore measures exactly what production sends. When those signatures change
 * (e.g. PreparedMedia becoming MP4), fix them here and nowhere else in eval/.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ClipJob } from '../../../functions/shared/src/clip-job';
import type { Config } from '../../../functions/shared/src/config';
import type { HazardType } from '../../../functions/shared/src/verdict';
import { loadFewShot } from '../../../functions/inference/src/adapters/fewshot';
import { prepareClip, type PrepareSettings } from '../../../functions/inference/src/adapters/prepare';
import { VllmClient } from '../../../functions/inference/src/adapters/vllm-client';
import { judge } from '../../../functions/inference/src/app/judge';
import {
  parseCamerasFile,
  type CameraContext,
  type CamerasFile,
} from '../../../functions/inference/src/core/camera-context';
import { createPromptKit, type PromptKit } from '../../../functions/inference/src/core/prompt-kit';
import { promptSettings } from '../../../functions/inference/src/app/prompt-settings';
import type { RunInfo } from '../core/results';

export interface EvalModelOptions {
  /** overrides FEWSHOT_DIR */
  fewshotDir?: string | undefined;
  /** overrides CAMERAS_FILE (and then wins over the labels' own context) */
  camerasFile?: string | undefined;
  /** the dataset folder: the preparer's CLIPS_DIR, so its path guard applies to every clip */
  datasetDir: string;
  concurrency: number;
  logger: Logger;
}

export interface ClipAnswer {
  status: 'safe' | 'warning' | 'danger' | 'uncertain';
  hazards: HazardType[];
  summary: string;
  reason?: string;
  modelMs: number;
  calls: number;
  tokens: { prompt: number; completion: number; cached: number };
}

export interface EvalModel {
  readonly info: RunInfo;
  /** Prepares and judges one clip (path relative to the dataset folder). Transport errors throw. */
  judgeClip(clip: { path: string; cameraId: string; context?: CameraContext | undefined }): Promise<ClipAnswer>;
  /** GET /health of the server. */
  healthy(): Promise<boolean>;
}

/** Builds the model side once: few-shot set loaded, prefix built, client ready. */
export async function createEvalModel(config: Config, o: EvalModelOptions): Promise<EvalModel> {
  const { common, inference: ic } = config;
  if (!common.vllmBaseUrl) throw new Error('VLLM_BASE_URL is not set: point it at vLLM (or vllm-sim) to evaluate');
  const fewshotDir = o.fewshotDir ?? ic.fewshotDir;
  const camerasFile = o.camerasFile ?? ic.camerasFile;
  const examples = await loadFewShot(fewshotDir);
  const cameras = camerasFile ? parseCamerasFile(await fs.readFile(camerasFile, 'utf8')) : undefined;
  const kitFor = (file: CamerasFile | undefined): PromptKit =>
    createPromptKit({ ...promptSettings(config), examples, cameras: file });
  const base = kitFor(cameras);
  // A label's own context applies unless --cameras/CAMERAS_FILE was given for this run (then
  // the file is the variant under test). Only the final turn differs, so the prefix is shared.
  const kits = new Map<string, PromptKit>();
  const kitOf = (cameraId: string, ctx: CameraContext | undefined): PromptKit => {
    if (!ctx || camerasFile) return base;
    const key = JSON.stringify([cameraId, ctx]);
    let kit = kits.get(key);
    if (!kit) kits.set(key, (kit = kitFor({ cameras: { [cameraId]: ctx } })));
    return kit;
  };
  const client = new VllmClient({
    baseUrl: common.vllmBaseUrl,
    apiKey: ic.apiKey,
    timeoutMs: ic.requestTimeoutMs,
    maxRetries: ic.maxRetries,
    logger: o.logger,
  });
  const settings: PrepareSettings = {
    clipsDir: o.datasetDir,
    mode: ic.videoInput,
    sampling: ic.videoSampling,
    fps: ic.videoFps,
    maxSide: ic.videoMaxSide,
    maxClipSeconds: ic.maxClipSeconds ?? 3 * common.segmentSeconds,
  };
  const info: RunInfo = {
    model: common.vllmModel,
    baseUrl: common.vllmBaseUrl,
    prefixHash: base.prefixHash,
    fewshot: {
      dir: path.relative(process.cwd(), path.resolve(fewshotDir)) || '.',
      examples: examples.map((e) => e.name),
    },
    cameras: camerasFile ?? null,
    media: { mode: ic.videoInput, sampling: ic.videoSampling, fps: ic.videoFps, maxSide: ic.videoMaxSide },
    sampling: {},
    language: ic.verdictLanguage,
    concurrency: o.concurrency,
  };
  // The sampling fields as actually sent, taken from the first real request (no made-up media).
  const noteSampling = (body: Record<string, unknown>) => {
    if (Object.keys(info.sampling).length > 0) return;
    const { messages: _m, model: _model, ...sampling } = body;
    info.sampling = sampling;
  };
  return {
    info,
    healthy: () => client.healthy(),
    async judgeClip(clip) {
      const job: ClipJob = {
        v: 1,
        id: `eval-${clip.path}`,
        cameraId: clip.cameraId,
        path: clip.path,
        startedAt: new Date(0).toISOString(),
        durationMs: 0,
        bytes: 0,
        attempt: 0,
      };
      const media = await prepareClip(job, settings);
      const kit = kitOf(clip.cameraId, clip.context);
      const body = kit.body(clip.cameraId, media);
      noteSampling(body);
      const j = await judge(client, body, undefined, kit.language);
      const tokens = j.usage.reduce(
        (s, u) => ({
          prompt: s.prompt + u.prompt,
          completion: s.completion + u.completion,
          cached: s.cached + u.cached,
        }),
        { prompt: 0, completion: 0, cached: 0 },
      );
      return {
        status: j.status,
        hazards: [...new Set(j.hazards.map((h) => h.type))].sort(),
        summary: j.summary,
        ...(j.reason ? { reason: j.reason } : {}),
        modelMs: j.modelMs,
        calls: j.usage.length,
        tokens,
      };
    },
  };
}
