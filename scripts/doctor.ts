/**
 * `npm run doctor`: checks a model server BEFORE anyone relies on it (issue #11). For each
 * media mode it sends one small synthetic clip with our real prompt kit (the committed few-shot
 * prefix, the verdict schema, mm_processor_kwargs), twice, and prints per mode: the HTTP result
 * and the server's message, whether the answer validates against the verdict schema, the
 * latency, cached_tokens / prompt_tokens on the second (identical-prefix) request, and whether
 * `--enable-prompt-tokens-details` seems missing. Exits 1 when the configured VIDEO_INPUT mode
 * fails.
 *
 *   VLLM_BASE_URL=http://vllm:8000/v1 VLLM_MODEL=Qwen/Qwen3-VL-8B-Instruct npm run doctor
 *   npm run doctor            # no VLLM_BASE_URL: starts a vllm-sim (VLLM_SIM_VLLM_VERSION) and checks that
 *
 * video-file sends a file:// URL of a model clip written under CLIPS_DIR/.doctor (or a temp
 * dir when CLIPS_DIR is not writable); a server must be able to read it (--allowed-local-media-path).
 */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../functions/shared/src/config';
import { loadConfigOrExit } from '../functions/shared/src/config/load';
import { loadFewShot } from '../functions/inference/src/adapters/fewshot';
import {
  inlineModelClip,
  framesFromClip,
  modelClipMedia,
  type PrepareSettings,
} from '../functions/inference/src/adapters/prepare';
import { makeModelClip } from '../functions/inference/src/adapters/ffmpeg';
import { parseAnswer } from '../functions/inference/src/core/answer';
import type { MediaMode, PreparedMedia } from '../functions/inference/src/core/media';
import { createPromptKit } from '../functions/inference/src/core/prompt-kit';
import { promptSettings } from '../functions/inference/src/app/prompt-settings';
import { startVllmSim } from '../simulator/vllm/src';
import { syntheticClipArgs } from '../simulator/cameras/src/index';

export const MODES: readonly MediaMode[] = ['video-frames', 'video-file', 'images'];

export interface Attempt {
  status: number | 'no answer';
  message: string;
  schemaValid: boolean;
  latencyMs: number;
  promptTokens: number;
  cachedTokens: number | undefined;
}

export interface ModeResult {
  mode: MediaMode;
  ok: boolean;
  first: Attempt;
  second: Attempt;
  /** The second request repeats the prefix; no prompt_tokens_details at all means the flag is off (or prefix caching is). */
  tokensDetailsMissing: boolean;
}

export interface DoctorReport {
  baseUrl: string;
  /** What GET /version answers (vLLM: {"version": "0.12.0"}); 'unknown' when it does not. */
  serverVersion: string;
  model: string;
  configuredMode: MediaMode;
  results: ModeResult[];
  /**
   * Issue #27.4: after the configured mode's requests with the media, the same request with the
   * few-shot parts as uuid-only references (vLLM ≥ 0.11.0 takes them from its processor cache).
   * Its HTTP status and message; inference falls back to the media when it fails.
   */
  uuidOnly?: { status: Attempt['status']; message: string };
  ok: boolean;
}

/** A 5 s synthetic clip (lavfi test pattern, H.264, 1 s GOP like the recorder). */
async function syntheticClip(file: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ffmpeg', syntheticClipArgs(file, { width: 1280, height: 720, seconds: 5, faststart: true }), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg could not make the synthetic clip: ${err.trim()}`)),
    );
  });
}

async function workDir(clipsDir: string): Promise<string> {
  try {
    const dir = path.join(clipsDir, '.doctor');
    await fs.mkdir(dir, { recursive: true });
    await fs.access(dir, fs.constants.W_OK);
    return await fs.mkdtemp(path.join(dir, 'run-'));
  } catch {
    return fs.mkdtemp(path.join(os.tmpdir(), 'safety-hanta-doctor-'));
  }
}

async function send(
  baseUrl: string,
  apiKey: string | undefined,
  body: Record<string, unknown>,
  timeoutMs: number,
): Promise<Attempt> {
  const started = performance.now();
  try {
    const res = await fetch(`${baseUrl.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const latencyMs = performance.now() - started;
    let json: {
      error?: { message?: string };
      choices?: { message?: { content?: string | null } }[];
      usage?: { prompt_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null };
    } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      // a proxy's HTML error page: shown as the message below
    }
    if (!res.ok)
      return {
        status: res.status,
        message: json.error?.message ?? text.slice(0, 300),
        schemaValid: false,
        latencyMs,
        promptTokens: 0,
        cachedTokens: undefined,
      };
    const parsed = parseAnswer(json.choices?.[0]?.message?.content ?? null);
    return {
      status: res.status,
      message: parsed.ok ? 'ok' : `answer breaks the verdict schema: ${parsed.reason}`,
      schemaValid: parsed.ok,
      latencyMs,
      promptTokens: json.usage?.prompt_tokens ?? 0,
      cachedTokens: json.usage?.prompt_tokens_details?.cached_tokens ?? undefined,
    };
  } catch (err) {
    return {
      status: 'no answer',
      message: (err as Error).message,
      schemaValid: false,
      latencyMs: performance.now() - started,
      promptTokens: 0,
      cachedTokens: undefined,
    };
  }
}

async function mediaFor(mode: MediaMode, clip: string, dir: string, s: PrepareSettings): Promise<PreparedMedia> {
  if (mode === 'images') return framesFromClip(clip, s);
  if (mode === 'video-frames') return inlineModelClip(clip, s);
  const out = path.join(dir, 'model-clip.mp4');
  const info = await makeModelClip(clip, out, {
    sampling: s.sampling,
    fps: s.fps,
    maxSide: s.maxSide,
    maxSeconds: s.maxClipSeconds,
  });
  return modelClipMedia(out, info, 'video-file');
}

async function serverVersion(baseUrl: string): Promise<string> {
  try {
    const res = await fetch(new URL('/version', baseUrl.replace(/\/v1\/?$/, '/')), {
      signal: AbortSignal.timeout(3000),
    });
    const v = ((await res.json()) as { version?: unknown }).version;
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Runs the checks against `baseUrl` (an OpenAI-compatible /v1 URL). */
export async function runDoctor(
  config: Config,
  baseUrl: string,
  opts: { workRoot?: string } = {},
): Promise<DoctorReport> {
  const ic = config.inference;
  const dir = opts.workRoot
    ? await fs.mkdtemp(path.join(opts.workRoot, 'run-'))
    : await workDir(config.common.clipsDir);
  try {
    const clip = path.join(dir, 'synthetic.mp4');
    await syntheticClip(clip);
    const examples = await loadFewShot(ic.fewshotDir);
    const settings: PrepareSettings = {
      clipsDir: dir,
      mode: ic.videoInput,
      sampling: ic.videoSampling,
      fps: ic.videoFps,
      maxSide: ic.videoMaxSide,
      maxClipSeconds: ic.maxClipSeconds ?? 3 * config.common.segmentSeconds,
    };
    const results: ModeResult[] = [];
    for (const mode of MODES) {
      const kit = createPromptKit({ ...promptSettings(config), examples, cameras: undefined, mode });
      const media = await mediaFor(mode, clip, dir, { ...settings, mode });
      const body = kit.body('doctor', media);
      const first = await send(baseUrl, ic.apiKey, body, ic.requestTimeoutMs);
      const second = await send(baseUrl, ic.apiKey, body, ic.requestTimeoutMs);
      const ok = first.status === 200 && second.status === 200 && first.schemaValid && second.schemaValid;
      results.push({
        mode,
        ok,
        first,
        second,
        tokensDetailsMissing: second.status === 200 && second.cachedTokens === undefined,
      });
    }
    const configured = results.find((r) => r.mode === ic.videoInput);
    const refKit = createPromptKit({ ...promptSettings(config), examples, cameras: undefined });
    const refMedia = await mediaFor(ic.videoInput, clip, dir, { ...settings, mode: ic.videoInput });
    // the full requests above left the few-shot items in the server's processor cache
    const ref = await send(baseUrl, ic.apiKey, refKit.body('doctor', refMedia, undefined, 'ref'), ic.requestTimeoutMs);
    return {
      uuidOnly: { status: ref.status, message: ref.message },
      baseUrl,
      serverVersion: await serverVersion(baseUrl),
      model: config.common.vllmModel,
      configuredMode: ic.videoInput,
      results,
      ok: configured?.ok ?? false,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The report as a plain-text table (one row per mode) and a verdict line. */
export function formatReport(r: DoctorReport): string {
  const head = [
    'mode',
    'HTTP (1st/2nd)',
    'server message',
    'schema valid',
    'latency ms (1st/2nd)',
    'cached/prompt (2nd)',
    'prompt-tokens-details',
  ];
  const rows = r.results.map((m) => [
    `${m.mode}${m.mode === r.configuredMode ? ' (VIDEO_INPUT)' : ''}`,
    `${m.first.status}/${m.second.status}`,
    (m.first.status !== 200 ? m.first.message : m.second.message).replace(/\s+/g, ' ').slice(0, 140),
    m.first.schemaValid && m.second.schemaValid ? 'yes' : 'no',
    `${Math.round(m.first.latencyMs)}/${Math.round(m.second.latencyMs)}`,
    m.second.status === 200
      ? `${m.second.cachedTokens ?? 0}/${m.second.promptTokens} (${m.second.promptTokens ? (((m.second.cachedTokens ?? 0) / m.second.promptTokens) * 100).toFixed(0) : 0}%)`
      : '-',
    m.second.status !== 200
      ? '-'
      : m.tokensDetailsMissing
        ? 'seems MISSING (start vLLM with --enable-prompt-tokens-details; check --enable-prefix-caching)'
        : 'present',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [
    `model server ${r.baseUrl}  version ${r.serverVersion}  model ${r.model}`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  const configured = r.results.find((m) => m.mode === r.configuredMode);
  if (r.uuidOnly)
    out.push(
      r.uuidOnly.status === 200
        ? 'few-shot by reference (uuid-only parts, FEWSHOT_BY_REFERENCE): supported'
        : `few-shot by reference (uuid-only parts): NOT supported (HTTP ${r.uuidOnly.status}: ${r.uuidOnly.message.replace(/\s+/g, ' ').slice(0, 160)}); inference resends the media (safetyhanta_inference_fewshot_resends_total) and stops trying after 3 misses; set FEWSHOT_BY_REFERENCE=false`,
    );
  out.push(
    r.ok
      ? `OK: VIDEO_INPUT=${r.configuredMode} works with this server.`
      : `FAIL: VIDEO_INPUT=${r.configuredMode} does not work with this server: ${configured ? `HTTP ${configured.first.status}/${configured.second.status}: ${configured.first.status !== 200 ? configured.first.message : configured.second.message}` : 'not checked'}`,
  );
  return out.join('\n') + '\n';
}

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`); // deprecated names/spellings (docs/architecture.md §3.2)
  let baseUrl = config.common.vllmBaseUrl;
  let close: (() => Promise<void>) | undefined;
  let workRoot: string | undefined;
  if (!baseUrl) {
    const s = config.vllmSim;
    workRoot = realpathSync(await fs.mkdtemp(path.join(os.tmpdir(), 'safety-hanta-doctor-')));
    const root = workRoot;
    const sim = await startVllmSim({
      port: 0,
      model: config.common.vllmModel,
      vllmVersion: s.vllmVersion,
      analysis: s.analysis,
      allowedMediaPath: root,
      promptTokensDetails: s.promptTokensDetails,
    });
    process.stdout.write(
      `no VLLM_BASE_URL: checking a vllm-sim (a simulator of vLLM ${s.vllmVersion}) at ${sim.url}\n`,
    );
    baseUrl = sim.url;
    close = async () => {
      await sim.close();
      await fs.rm(root, { recursive: true, force: true });
    };
  }
  try {
    const report = await runDoctor(config, baseUrl, workRoot ? { workRoot } : {});
    process.stdout.write(formatReport(report));
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await close?.();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`doctor failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  });
}
