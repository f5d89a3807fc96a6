import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../../functions/shared/src/config';
import { resolveClipPath } from '../../../functions/shared/src/clip-path';
import { toError } from '../../../functions/shared/src/errors';
import { DatasetError, parseLabels, type Label } from '../core/dataset';
import { computeMetrics, isWrong } from '../core/metrics';
import { renderReport } from '../core/report-html';
import type { ClipResult, Results } from '../core/results';
import { frameStrip } from './ffmpeg';
import { createEvalModel, type EvalModel } from './inference';
import { Progress } from './progress';

export interface RunOptions {
  dataset: string;
  out: string;
  fewshotDir?: string | undefined;
  camerasFile?: string | undefined;
  concurrency?: number | undefined;
  logger: Logger;
  progress?: NodeJS.WriteStream;
}

const DEFAULT_CONCURRENCY = 4;

/** Reads and validates `<dataset>/labels.jsonl`, and checks every clip exists inside the folder before any model time is spent. */
export async function loadDataset(dir: string): Promise<Label[]> {
  const file = path.join(dir, 'labels.jsonl');
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new DatasetError(
      `cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file (a dataset is a folder with labels.jsonl; see docs/evaluation.md)' : err.message}`,
    );
  });
  const labels = parseLabels(text, file);
  const missing: string[] = [];
  await Promise.all(
    labels.map((l) => resolveClipPath(dir, l.clip).catch((err: Error) => missing.push(`${l.clip}: ${err.message}`))),
  );
  if (missing.length)
    throw new DatasetError(`${file}: ${missing.length} clip(s) cannot be used:\n  ${missing.sort().join('\n  ')}`);
  return labels;
}

async function pool<T>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

async function judgeOne(model: EvalModel, l: Label): Promise<ClipResult> {
  const started = performance.now();
  const expected = { status: l.status, hazards: [...l.hazards] };
  try {
    const a = await model.judgeClip({ path: l.clip, cameraId: l.cameraId, context: l.context });
    const predicted = {
      status: a.status,
      hazards: a.hazards,
      summary: a.summary,
      ...(a.reason ? { reason: a.reason } : {}),
    };
    const r = {
      clip: l.clip,
      cameraId: l.cameraId,
      expected,
      predicted,
      latencyMs: performance.now() - started,
      modelMs: a.modelMs,
      tokens: a.tokens,
      calls: a.calls,
      ...(l.note ? { note: l.note } : {}),
    };
    return { ...r, wrong: isWrong(r) };
  } catch (err) {
    // No answer (server failed after the client's retries): counted as an error, every label missed.
    const predicted = { status: 'error' as const, hazards: [], summary: '', reason: toError(err).message };
    return {
      clip: l.clip,
      cameraId: l.cameraId,
      expected,
      predicted,
      latencyMs: performance.now() - started,
      modelMs: 0,
      tokens: { prompt: 0, completion: 0, cached: 0 },
      calls: 0,
      wrong: true,
    };
  }
}

/**
 * `eval run`: every clip through inference's preparer, prompt kit and judge, `concurrency` at
 * a time (default INFERENCE_CONCURRENCY), then results.json and report.html in `out`.
 */
export async function runEval(config: Config, o: RunOptions): Promise<Results> {
  const dataset = path.resolve(o.dataset);
  const labels = await loadDataset(dataset);
  // INFERENCE_CONCURRENCY when set; where it becomes optional (adaptive concurrency, issue #13) a fixed bound.
  const concurrency: number = o.concurrency ?? config.inference.concurrency ?? DEFAULT_CONCURRENCY;
  const model = await createEvalModel(config, {
    fewshotDir: o.fewshotDir,
    camerasFile: o.camerasFile,
    datasetDir: dataset,
    concurrency,
    logger: o.logger,
  });
  if (!(await model.healthy()))
    throw new Error(
      `the model server at ${config.common.vllmBaseUrl} does not answer /health; start it (or vllm-sim) first`,
    );
  const started = Date.now();
  const results: ClipResult[] = new Array<ClipResult>(labels.length);
  const bar = new Progress(labels.length, o.progress ?? process.stderr);
  let done = 0;
  let wrong = 0;
  await pool(labels, concurrency, async (l, i) => {
    const r = await judgeOne(model, l);
    results[i] = r;
    done++;
    if (r.wrong) wrong++;
    bar.tick(done, wrong);
  });
  const out: Results = {
    v: 1,
    createdAt: new Date(started).toISOString(),
    dataset: { dir: o.dataset, clips: labels.length },
    run: model.info,
    durationMs: Date.now() - started,
    clips: results,
    metrics: computeMetrics(results),
  };
  await fs.mkdir(o.out, { recursive: true });
  await fs.writeFile(path.join(o.out, 'results.json'), JSON.stringify(out, null, 2) + '\n');
  const strips = new Map<string, string>();
  await pool(
    results.filter((r) => r.wrong),
    2,
    async (r) => {
      const jpeg = await frameStrip(path.join(dataset, r.clip)).catch((err: Error) =>
        o.logger.warn({ clip: r.clip, err: err.message }, 'no thumbnail strip'),
      );
      if (jpeg) strips.set(r.clip, `data:image/jpeg;base64,${jpeg.toString('base64')}`);
    },
  );
  await fs.writeFile(path.join(o.out, 'report.html'), renderReport(out, strips));
  return out;
}
