import { startStack, type TestStack } from '../test/support/system/stack';
import type { BrokerEvent } from '../test/support/system/broker';
import { histogramMean } from './lib/chat';
import { percentile, type BenchTable } from './table';
import type { BenchContext } from './run';
import { sleep } from '../functions/shared/src/async';
import { waitFor } from '../test/support';

/**
 * Benchmark 5: end to end on one machine — rtsp-sim cameras → capture → Redis → inference →
 * vllm-sim (latency model on) → CloudEvents at a subscriber (a Broker stand-in that timestamps
 * arrival). Latency of every alert and every verdict event from the end of its clip, with the
 * stage means from the parts' own metrics. 10 and 50 cameras, same settings.
 */
const STEPS = [10, 50];
const WINDOW_MS = 60_000;
const SEGMENT_SECONDS = 5;

interface StepResult {
  cameras: number;
  /** cameras that had delivered a clip when the window opened */
  camerasDelivering: number;
  /** capture log lines reporting a crashed recorder loop */
  crashed: number;
  recorded: number;
  judged: number;
  pendingAtEnd: number;
  alert: number[];
  verdict: number[];
  publish: number[];
  segmentCloseToEnqueue: number | undefined;
  clipEndToClaim: number | undefined;
  prepare: number | undefined;
  model: number | undefined;
}

/** clip end (stamp + length) → arrival at the subscriber, seconds */
const latency = (e: BrokerEvent) => (e.at - (Date.parse(String(e.data.capturedAt)) + SEGMENT_SECONDS * 1000)) / 1000;

async function step(ctx: BenchContext, cameras: number): Promise<StepResult> {
  let s: TestStack | undefined;
  try {
    s = await startStack({
      redisUrl: ctx.redisUrl,
      cameras,
      env: {
        SEGMENT_SECONDS: String(SEGMENT_SECONDS),
        LOG_LEVEL: 'warn',
        QUEUE_HEARTBEAT_TTL_SECONDS: '30',
        QUEUE_REAPER_INTERVAL_SECONDS: '10',
        PUBLISH_MAX_RETRIES: '5',
      },
    });
    const st = s;
    await Promise.all([st.start('vllmSim'), st.start('alerts')]);
    await Promise.all([st.start('inference'), st.start('capture')]);
    const cams = () => new Set(st.recordedClips().map((c) => c.split('/')[0])).size;
    // every camera should deliver within start-up; if some never do, measure anyway and say so
    await waitFor(() => cams() >= cameras, {
      timeoutMs: 90_000,
      what: `all ${cameras} cameras recording`,
      everyMs: 500,
    }).catch(() => undefined);
    const camerasDelivering = cams();
    const crashed = st
      .part('capture')!
      .records()
      .filter((r) => /crashed/.test(String(r.msg))).length;
    const t0 = Date.now();
    await sleep(WINDOW_MS); // a fixed measuring window, not a wait for a condition
    const t1 = Date.now();
    const inWindow = (e: BrokerEvent) =>
      Date.parse(String(e.data.capturedAt)) >= t0 - 1000 &&
      Date.parse(String(e.data.capturedAt)) + SEGMENT_SECONDS * 1000 <= t1;
    const alerts = st.broker
      .delivered()
      .filter((e) => /alert\.(raised|updated)$/.test(e.type) && e.data.clipPath && inWindow(e));
    const verdicts = st.broker.delivered('com.safetyhanta.verdict.created').filter(inWindow);
    const recorded = st.recordedClips().filter((c) => {
      const m = /(\d{8}T\d{6}Z)\.mp4$/.exec(c);
      const start = m
        ? Date.parse(m[1]!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'))
        : NaN;
      return start >= t0 - 1000 && start + SEGMENT_SECONDS * 1000 <= t1;
    }).length;
    const inf = await (await fetch(`${st.url('inference')}/metrics`)).text();
    const cap = await (await fetch(`${st.url('capture')}/metrics`)).text();
    return {
      cameras,
      camerasDelivering,
      crashed,
      recorded,
      judged: verdicts.length,
      pendingAtEnd: await st.redis.llen(st.keys.clips),
      alert: alerts.map(latency),
      verdict: verdicts.map(latency),
      publish: verdicts.map((e) => (e.at - Date.parse(String(e.data.analyzedAt))) / 1000),
      segmentCloseToEnqueue: histogramMean(cap, 'safetyhanta_capture_segment_lag_seconds'),
      clipEndToClaim: histogramMean(inf, 'safetyhanta_inference_queue_wait_seconds'),
      prepare: histogramMean(inf, 'safetyhanta_inference_prepare_seconds'),
      model: histogramMean(inf, 'safetyhanta_inference_model_seconds'),
    };
  } finally {
    await s?.stop();
  }
}

const f = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2));
const trio = (xs: number[]) =>
  xs.length ? `${f(percentile(xs, 50))} / ${f(percentile(xs, 95))} / ${f(Math.max(...xs))}` : '–';
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);

export async function e2eBench(ctx: BenchContext): Promise<BenchTable> {
  const results: StepResult[] = [];
  for (const n of STEPS) {
    console.error(`bench e2e: ${n} cameras …`);
    results.push(await step(ctx, n));
  }
  const vs = ctx.config.vllmSim;
  return {
    title: 'End to end: clip closed → event at the subscriber (rtsp-sim → capture → inference → vllm-sim → broker)',
    command: 'npm run bench -- e2e',
    columns: [
      'cameras (delivering)',
      'clips recorded / judged in window',
      'queue left at end',
      'alerts',
      'clip end → alert p50 / p95 / max s',
      'clip end → verdict event p50 / p95 / max s',
      'segment closed → enqueued (mean s)',
      'clip end → claimed (mean s)',
      'prepare (mean s)',
      'model (mean s)',
      'verdict stored → subscriber (mean s)',
    ],
    rows: results.map((r) => [
      `${r.cameras} (${r.camerasDelivering}${r.crashed ? `, ${r.crashed} recorder loops crashed` : ''})`,
      `${r.recorded} / ${r.judged}`,
      r.pendingAtEnd,
      r.alert.length,
      trio(r.alert),
      trio(r.verdict),
      f(r.segmentCloseToEnqueue),
      f(r.clipEndToClaim),
      f(r.prepare),
      f(r.model),
      f(mean(r.publish)),
    ]),
    notes: [
      `${WINDOW_MS / 1000} s window after every camera delivered a clip; ${SEGMENT_SECONDS} s clips, 1280×720 25 fps; capture, inference (preparer thread, INFERENCE_CONCURRENCY=${ctx.config.inference.concurrency}, VIDEO_SAMPLING=${ctx.config.inference.videoSampling}), alerts and vllm-sim as separate processes; rtsp-sim in the benchmark process; Redis at REDIS_URL`,
      `vllm-sim latency model: prefill ${vs.prefillUsPerToken} µs/uncached token, decode ${vs.decodeMsPerToken} ms/token, ${vs.overheadMs} ms overhead (a GPU model, not a GPU)`,
      'clip end = the clip’s start stamp + 5 s; stamps have 1 s resolution (floored), so end-to-end figures can read up to 1 s high',
      'stages: segment closed → enqueued from capture’s segment_lag histogram; clip end → claimed (segmenter close + queue wait) from inference’s queue_wait histogram; prepare and model from inference’s histograms; verdict stored → subscriber from analyzedAt to the broker’s arrival time',
      'alerts: raised/updated events (danger scenes raise at once; warnings need 2 of 3 clips)',
    ],
  };
}
