/** Shared by capture's integration tests: real Redis, rtsp-sim, a real CloudEvents sink. */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Registry } from 'prom-client';
import { parseConfig, type Config } from '../../shared/src/config';
import { startRtspSim, type RtspSimHandle } from '../../../simulator/cameras/src/index';
import { newPrefix, startCloudEventSink, TEST_REDIS_URL, type CloudEventSink } from '../../../test/support';

export { newPrefix };
/** Scenes are rendered once per machine (content-hashed cache), not per run. */
export const SCENE_CACHE = path.join(os.tmpdir(), 'safety-hanta-capture-test-scenes');

export async function startSim(numStreams: number): Promise<RtspSimHandle> {
  return startRtspSim({
    numStreams,
    urlTemplate: 'rtsp://127.0.0.1:8554/cam{N}',
    clientPort: 0,
    publishPort: 0,
    controlPort: null,
    rtpPortStart: 0,
    width: 640,
    height: 360,
    fps: 25,
    cacheDir: SCENE_CACHE,
    staggerMs: 100,
    mapping: Object.fromEntries(Array.from({ length: numStreams }, (_, i) => [`cam${i + 1}`, 'safe'])),
  });
}

/** The sim's reader URL template (its client port is random). */
export function simTemplate(sim: RtspSimHandle): string {
  return sim.urlFor(1).replace(/cam1$/, 'cam{N}');
}

export function testEnv(over: Record<string, string>): Record<string, string> {
  return {
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: 'error',
    RTSP_TRANSPORT: 'udp',
    RTSP_TIMEOUT_SECONDS: '3',
    PORT: '0',
    ...over,
  };
}

export function testConfig(over: Record<string, string>): Config {
  return parseConfig(testEnv(over));
}

/** A real HTTP server receiving CloudEvents (the K_SINK); what is not a CloudEvent gets 400. */
export const startSink = (): Promise<CloudEventSink> => startCloudEventSink({ strict: true });

/** ffprobe duration (s) and whether there is a video stream; null when unreadable. */
export function ffprobe(file: string): Promise<{ duration: number; video: boolean } | null> {
  return new Promise((resolve) => {
    execFile(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', file],
      (err, stdout) => {
        if (err) return resolve(null);
        const j = JSON.parse(stdout) as { format?: { duration?: string }; streams?: { codec_type?: string }[] };
        resolve({
          duration: Number(j.format?.duration),
          video: (j.streams ?? []).some((s) => s.codec_type === 'video'),
        });
      },
    );
  });
}

/** Count, sum and the `le` buckets of a prom-client histogram. */
export async function histogram(
  registry: Registry,
  name: string,
): Promise<{ count: number; sum: number; le: (bound: number) => number }> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const values = (await metric.get()).values as {
    value: number;
    labels: Record<string, string | number>;
    metricName?: string;
  }[];
  const find = (suffix: string) => values.find((v) => v.metricName?.endsWith(suffix))?.value ?? 0;
  return {
    count: find('_count'),
    sum: find('_sum'),
    le: (bound) => values.find((v) => v.metricName?.endsWith('_bucket') && v.labels.le === bound)?.value ?? -1,
  };
}

/**
 * A capture logger that keeps its warnings, for a test to show when a clip lacks its model clip
 * (the recorder warns with the reason: camera-recorder.ts "segment without a capture-made model clip").
 */
export function warningLog() {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line.trim()) });
  return { logger, warnings };
}
