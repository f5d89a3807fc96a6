import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { findScene, renderScene } from '../../../simulator/cameras/src';
import { clipStamp, type ClipJob } from '../../shared/src/clip-job';
import { parseConfig, type Config } from '../../shared/src/config';
import { prefixHash } from '../src/core/prompt';
import { hazardWindow } from '../../../tools/fewshot/scene-windows';
import type { HazardType } from '../../shared/src/verdict';
import type { PrepareSettings } from '../src/adapters/prepare';
import { clipJobFor, cutCopy, startCloudEventSink, TEST_REDIS_URL, type CloudEventSink } from '../../../test/support';

export const REDIS_URL = TEST_REDIS_URL;

/** Env for a test instance: random Redis prefix, temp clips dir, silent logs, fast timers. */
export function testEnv(over: Record<string, string>): Record<string, string> {
  return {
    REDIS_URL,
    REDIS_PREFIX: `test-${randomUUID()}`,
    PORT: '0',
    LOG_LEVEL: 'silent',
    QUEUE_HEARTBEAT_TTL_SECONDS: '3',
    QUEUE_REAPER_INTERVAL_SECONDS: '1',
    VLLM_HEALTH_INTERVAL_MS: '200',
    VLLM_MAX_RETRIES: '2',
    PUBLISH_MAX_RETRIES: '2',
    INFERENCE_CONCURRENCY: '2',
    VERDICT_LANGUAGE: 'en',
    INCIDENT_CONFIRM_K: '1',
    FEWSHOT_DIR: path.join(__dirname, '..', 'fewshot'),
    ...over,
  };
}

export const testConfig = (env: Record<string, string>): Config => parseConfig(env);

export async function tempDir(label: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `inference-${label}-`));
}

/** The preparer's settings the model-clip tests share: 2 fps, 448 px, clips up to 15 s. */
export const prepareSettings = (clipsDir: string, mode: PrepareSettings['mode'] = 'video-file'): PrepareSettings => ({
  clipsDir,
  mode,
  sampling: 'fps',
  fps: 2,
  maxSide: 448,
  maxClipSeconds: 15,
});

/** The CloudEvent sink (test/support): records what it receives, answers 202. */
export type Sink = CloudEventSink;
export const startSink = (): Promise<Sink> => startCloudEventSink();

/** One chat request seen by the recording proxy. */
export interface SeenRequest {
  prefixHash: string;
  finalTurn: string;
  /** Every media URL of the request, cut to its first 40 characters (scheme and type). */
  mediaUrls: string[];
  /** The final user turn's media URLs, whole (the clip under analysis). */
  finalMedia: string[];
  /** The final user turn's text parts (the camera context). */
  finalText: string;
  mmProcessorKwargs?: unknown;
  status?: number | undefined;
  /** When the proxy received it, and when the server's answer came back (ms since epoch). */
  sentAt: number;
  answeredAt?: number | undefined;
  usage?: { prompt_tokens: number; prompt_tokens_details?: { cached_tokens?: number } } | undefined;
}

type Part = { type?: string; video_url?: { url?: string }; image_url?: { url?: string } };
const urlsOf = (m: unknown): string[] => {
  const content = (m as { content?: unknown }).content;
  return Array.isArray(content)
    ? (content as Part[])
        .map((p) => p.video_url?.url ?? p.image_url?.url)
        .filter((u): u is string => typeof u === 'string')
    : [];
};

/**
 * A recording HTTP proxy in front of vllm-sim: hashes the prefix (every message before the
 * final user turn) of each chat request exactly as sent, and keeps the answer's usage.
 */
export async function startRecordingProxy(
  target: string,
): Promise<{ url: string; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const t = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let record: SeenRequest | undefined;
      if (req.url?.endsWith('/chat/completions')) {
        const parsed = JSON.parse(body.toString()) as {
          messages: unknown[];
          model: string;
          mm_processor_kwargs?: unknown;
        };
        record = {
          prefixHash: prefixHash(parsed),
          finalTurn: JSON.stringify(parsed.messages.at(-1)).slice(0, 200),
          mediaUrls: parsed.messages.flatMap(urlsOf).map((u) => u.slice(0, 40)),
          finalMedia: urlsOf(parsed.messages.at(-1)),
          finalText: (
            ((parsed.messages.at(-1) as { content?: unknown }).content ?? []) as { type?: string; text?: string }[]
          )
            .filter((c) => c.type === 'text')
            .map((c) => c.text)
            .join('\n'),
          mmProcessorKwargs: parsed.mm_processor_kwargs,
          sentAt: Date.now(),
        };
        seen.push(record);
      }
      const up = http.request(
        {
          host: t.hostname,
          port: t.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: t.host },
        },
        (r) => {
          const out: Buffer[] = [];
          r.on('data', (c: Buffer) => out.push(c));
          r.on('end', () => {
            const text = Buffer.concat(out);
            if (record) record.status = r.statusCode;
            if (record) record.answeredAt = Date.now();
            if (record && r.statusCode === 200)
              record.usage = (JSON.parse(text.toString()) as { usage: SeenRequest['usage'] }).usage;
            res.writeHead(r.statusCode ?? 502, r.headers).end(text);
          });
        },
      );
      up.on('error', () => res.writeHead(502).end());
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    seen,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Small rendered scenes shared by the tests (rtsp-sim's render cache). */
export const SCENE_RENDER = { width: 640, height: 360, fps: 10 };

/** A 5-s clip cut (stream copy, on a keyframe) from a scene where its hazard is present. */
export interface SceneClip {
  scene: string;
  job: ClipJob;
  expected: HazardType[];
}

/**
 * Each window cut once per test file, then copied: `cutCopy` is a stream copy, so a second cut of the
 * same window gives the same bytes, and an ffmpeg run (≈ 0.15 CPU-s, plus the fork of the Jest worker)
 * costs more than a copy of a ~30 kB file. The suites cut the same few scene windows again and again.
 */
const cuts = new Map<string, Promise<string>>();
let cutsDir: Promise<string> | undefined;
let cutCount = 0;
function cachedCut(videoPath: string, start: number, seconds: number): Promise<string> {
  const key = `${videoPath}|${start}|${seconds}`;
  let cut = cuts.get(key);
  if (!cut) {
    const name = `${cutCount++}.mp4`;
    cut = (async () => {
      const dir = await (cutsDir ??= fs.mkdtemp(path.join(os.tmpdir(), 'inference-cuts-')));
      return cutCopy(videoPath, path.join(dir, name), start, seconds);
    })();
    cut.catch(() => cuts.delete(key));
    cuts.set(key, cut);
  }
  return cut;
}
if (typeof afterAll === 'function') {
  try {
    afterAll(async () => {
      if (cutsDir) await fs.rm(await cutsDir, { recursive: true, force: true });
    });
  } catch {
    // imported from inside a running test: hooks cannot be added there
  }
}

/** Cuts `seconds` starting at `start` from a rendered scene into `<clipsDir>/<camera>/<stamp>.mp4` and builds its job. */
export async function cutClip(
  videoPath: string,
  start: number,
  seconds: number,
  clipsDir: string,
  cameraId: string,
  startedAt: Date,
): Promise<ClipJob> {
  const rel = `${cameraId}/${clipStamp(startedAt)}.mp4`;
  const out = path.join(clipsDir, rel);
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.copyFile(await cachedCut(videoPath, start, seconds), out);
  return clipJobFor(clipsDir, rel, cameraId, startedAt, seconds * 1000);
}

/** Renders (cached) a scene and cuts its hazard window for a camera. */
export async function sceneClip(name: string, clipsDir: string, cameraId: string, startedAt: Date): Promise<SceneClip> {
  const scene = findScene(name);
  if (!scene) throw new Error(`no scene ${name}`);
  const r = await renderScene(scene, SCENE_RENDER);
  const w = hazardWindow(r.groundTruth, 5);
  return { scene: name, job: await cutClip(r.videoPath, w.start, 5, clipsDir, cameraId, startedAt), expected: w.types };
}

export function run(bin: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} exited with ${code}: ${err}`))));
  });
}

/** Verdict stream entries as parsed objects. */
export async function verdicts(
  redis: Redis,
  key: string,
): Promise<{ jobId: string; status: string; hazards: { type: string }[]; reason?: string }[]> {
  const entries = await redis.xrange(key, '-', '+');
  return entries.map(
    ([, fields]) =>
      JSON.parse(fields[fields.indexOf('verdict') + 1] ?? '{}') as {
        jobId: string;
        status: string;
        hazards: { type: string }[];
      },
  );
}
