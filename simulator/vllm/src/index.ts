/**
 * vllm-sim: an OpenAI-compatible SIMULATOR of a vLLM server running Qwen3-VL, for local runs,
 * tests and benchmarks. It counts tokens and caches prefixes the way vLLM does, models GPU
 * latency, and answers from what it sees in the synthetic scenes' frames. It is not a safety model.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '../../../functions/shared/src/logger';
import { MediaLoader } from './adapters/media';
import type { VideoDecoderKind } from './adapters/video-decoder';
import { SimMetrics, type SimCounters } from './adapters/metrics';
import { NO_FAULTS, mergeFaults, type Faults } from './core/faults';
import { PrefixCache } from './core/prefix-cache';
import { Scheduler, type LatencyOptions } from './scheduler';
import { createHandler, type ServerState } from './server';
import { PINNED_VLLM_VERSION } from './core/version';

export type { Faults, SimCounters, LatencyOptions };
export { PINNED_VLLM_VERSION, JPEG_VIDEO_METADATA_SINCE } from './core/version';
export { analyzeClip, analyzeFrame } from './core/detector';
export type { ClipHazard, FrameFindings, Worker } from './core/detector';
export type { Frame } from './core/frame';

/** Options of {@link startVllmSim}. Latency knobs default to 0 (instant), which is what tests want. */
export interface VllmSimOptions extends Partial<LatencyOptions> {
  /** TCP port; 0 (default) = any free port. */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** Served model name. @default 'Qwen/Qwen3-VL-8B-Instruct' */
  model?: string;
  /** Root that file:// media must resolve inside (vLLM --allowed-local-media-path); unset = file:// refused. */
  allowedMediaPath?: string;
  /** Prefix-cache capacity in 16-token blocks; 0 = off. @default 20000 */
  cacheBlocks?: number;
  /** Report usage.prompt_tokens_details.cached_tokens. @default true */
  promptTokensDetails?: boolean;
  /** The vLLM version whose version-specific behaviour is reproduced. @default the pinned version (core/version.ts) */
  vllmVersion?: string;
  /** Look at the clip's pixels; false = fixed safe verdict, nothing decoded (capacity benchmarks). @default true */
  analysis?: boolean;
  /** Video decoder: in-process node-av or one ffmpeg child per request. @default 'node-av' */
  decoder?: VideoDecoderKind;
  /** vLLM `--mm-processor-cache-gb`: the processor cache a uuid-only part must hit (0 = none). @default 4 */
  mmProcessorCacheGb?: number;
  /** Initial faults. */
  faults?: Partial<Faults>;
  logger?: Logger;
}

/** A running vllm-sim. */
export interface VllmSimHandle {
  /** Base URL for OpenAI clients, ending in `/v1` (e.g. `http://127.0.0.1:41234/v1`). */
  readonly url: string;
  readonly port: number;
  /** Merges fault switches (same fields as POST /sim/faults); throws on a bad value. */
  setFaults(f: Partial<Faults>): void;
  /** A snapshot of the counters (tokens, cache queries/hits, queue). */
  metrics(): SimCounters;
  /** Empties the prefix cache (like vLLM's /reset_prefix_cache). */
  resetPrefixCache(): void;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Starts vllm-sim on `options.port` (0 = free port) and resolves once it listens. */
export async function startVllmSim(options: VllmSimOptions = {}): Promise<VllmSimHandle> {
  const model = options.model ?? 'Qwen/Qwen3-VL-8B-Instruct';
  const log = options.logger ?? createLogger('vllm-sim', 'silent');
  const metrics = new SimMetrics(model);
  const state: ServerState = { faults: mergeFaults(NO_FAULTS, options.faults ?? {}) };
  let broken = 0;
  const cache = new PrefixCache(options.cacheBlocks ?? 20000);
  const latency: LatencyOptions = {
    prefillUsPerToken: options.prefillUsPerToken ?? 0,
    decodeMsPerToken: options.decodeMsPerToken ?? 0,
    overheadMs: options.overheadMs ?? 0,
    maxBatch: options.maxBatch ?? 32,
    capacityRps: options.capacityRps ?? 0,
  };
  const handler = createHandler(
    {
      model,
      media: new MediaLoader(options.allowedMediaPath, {
        model,
        analysis: options.analysis ?? true,
        decoder: options.decoder ?? 'node-av',
        ...(options.mmProcessorCacheGb !== undefined ? { mmProcessorCacheGb: options.mmProcessorCacheGb } : {}),
        ...(options.vllmVersion ? { vllmVersion: options.vllmVersion } : {}),
      }),
      cache,
      scheduler: new Scheduler(latency, (r, w) => metrics.setQueue(r, w)),
      metrics,
      faults: () => state.faults,
      takeBreak: () => {
        if (state.faults.breakSchema <= 0) return undefined;
        state.faults = { ...state.faults, breakSchema: state.faults.breakSchema - 1 };
        return broken++;
      },
      promptTokensDetails: options.promptTokensDetails ?? true,
      vllmVersion: options.vllmVersion ?? PINNED_VLLM_VERSION,
    },
    state,
    log,
  );
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    port,
    setFaults: (f) => {
      state.faults = mergeFaults(state.faults, f);
    },
    metrics: () => ({ ...metrics.counters }),
    resetPrefixCache: () => cache.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
