import path from 'node:path';
import { z } from 'zod';
import { envVar, int, optional, url } from './define';

/** docs/architecture.md §3.2 [contract]: the variables every part shares. */
export const common = {
  redisUrl: envVar('REDIS_URL', {
    schema: url(['redis', 'rediss']),
    default: 'redis://127.0.0.1:6379',
    expected: 'a redis:// or rediss:// URL',
    doc: 'Redis holding the clip queue, verdicts and camera state',
  }),
  redisPrefix: envVar('REDIS_PREFIX', {
    schema: z.string().regex(/^[A-Za-z0-9_.-]+$/),
    default: 'safety',
    expected: 'letters, digits, _ . -',
    doc: 'prefix of every Redis key (`safety:clips` …)',
  }),
  clipsDir: envVar('CLIPS_DIR', {
    schema: z
      .string()
      .min(1)
      .transform((p) => path.resolve(p)),
    default: '.safety-hanta/clips',
    expected: 'a directory path',
    doc: 'root of the shared clip volume; job paths are relative to it',
  }),
  segmentSeconds: envVar('SEGMENT_SECONDS', {
    schema: int(1, 600),
    default: '5',
    expected: 'an integer number of seconds, 1–600',
    doc: 'clip length',
  }),
  rtspUrlTemplate: envVar('RTSP_URL_TEMPLATE', {
    schema: z.string().refine((v) => v.includes('{N}') && /^rtsps?:\/\//.test(v)),
    default: 'rtsp://127.0.0.1:8554/cam{N}',
    expected: 'an rtsp:// URL containing {N}',
    doc: 'camera N’s stream URL ({N} is 1-based)',
  }),
  numStreams: envVar('NUM_STREAMS', {
    schema: int(1, 1000),
    default: '10',
    expected: 'an integer 1–1000',
    doc: 'number of cameras (cam1 … camN)',
  }),
  cameraIndex: envVar('CAMERA_INDEX', {
    schema: optional(int(0, 999)),
    expected: 'a 0-based integer (pod ordinal)',
    doc: 'capture replica k records camera k+1 only; unset = lease mode (replicas share all cameras)',
  }),
  vllmBaseUrl: envVar('VLLM_BASE_URL', {
    schema: optional(url(['http', 'https'])),
    expected: 'an http(s):// URL ending in /v1',
    doc: 'OpenAI-compatible server (vLLM); unset under `npm start` = start vllm-sim',
  }),
  vllmModel: envVar('VLLM_MODEL', {
    schema: z.string().min(1),
    default: 'Qwen/Qwen3-VL-8B-Instruct',
    expected: 'a model name',
    doc: 'model served by vLLM',
  }),
  kSink: envVar('K_SINK', {
    schema: optional(url(['http', 'https'])),
    expected: 'an http(s):// URL',
    doc: 'CloudEvent sink (Knative SinkBinding sets it); unset = events are logged only',
  }),
  port: envVar('PORT', {
    schema: int(0, 65535),
    default: '8080',
    expected: 'a TCP port 0–65535',
    doc: 'HTTP port of a function',
  }),
  logLevel: envVar('LOG_LEVEL', {
    schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    default: 'info',
    expected: 'trace|debug|info|warn|error|fatal|silent',
    doc: 'log level (pino)',
  }),
  bindHost: envVar('BIND_HOST', {
    schema: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9.:_-]+$/),
    default: '127.0.0.1',
    expected: 'an interface address (127.0.0.1, 0.0.0.0, ::)',
    doc: 'interface a function’s HTTP server binds; loopback unless told otherwise (the container images set 0.0.0.0)',
  }),
  maxBodyBytes: envVar('MAX_BODY_BYTES', {
    schema: int(1024, 64 * 1024 * 1024),
    default: '1048576',
    expected: 'an integer number of bytes, 1024–67108864',
    doc: 'largest request body a function reads; larger ones get 413 before parsing',
  }),
};
