import fs from 'node:fs';
import path from 'node:path';
import { jobIdOf } from '../support/system/checks';
import { startStack, type TestStack } from '../support/system/stack';
import { waitFor } from '../support';

/**
 * The clip volume fills up (a byte cap, CLIPS_MAX_BYTES) while inference is stopped: capture
 * says so clearly (error log + metric) and keeps recording without evicting unjudged clips;
 * once inference runs, retention frees space down to the cap and recording goes on. No clip is
 * deleted before it has its verdict.
 */
const CAP = 40_000;
let stack: TestStack | undefined;

afterAll(async () => {
  await stack?.stop();
});

it('reports a full clip volume, never evicts unjudged clips, and frees space once clips are judged', async () => {
  stack = await startStack({
    cameras: 1,
    mapping: { cam1: 'safe' },
    env: { SEGMENT_SECONDS: '2', CLIPS_MAX_BYTES: String(CAP), CLIP_RETENTION_INTERVAL_SECONDS: '5' },
  });
  const s = stack;
  const fail = (err: Error) => {
    throw new Error(`${err.message}\n${s.logs()}`);
  };
  const bytes = () => s.recordedClips().reduce((a, c) => a + fs.statSync(path.join(s.clipsDir, c)).size, 0);
  const seen = new Set<string>();
  const track = () => s.recordedClips().forEach((c) => seen.add(c));
  await Promise.all([s.start('vllmSim'), s.start('alerts'), s.start('capture')]);

  // 1. no inference: the volume passes the cap; capture reports it and keeps every (unjudged) clip
  await waitFor(() => (track(), bytes() > CAP * 1.5), {
    timeoutMs: 90_000,
    what: 'the byte cap exceeded',
    everyMs: 200,
  }).catch(fail);
  const blocked = await waitFor(
    () =>
      s
        .part('capture')!
        .records()
        .find((r) => r.level === 50 && /CLIPS_MAX_BYTES exceeded/.test(String(r.msg))),
    { timeoutMs: 30_000, what: 'capture to report the full volume', everyMs: 200 },
  ).catch(fail);
  expect(blocked.maxBytes).toBe(CAP);
  const metrics = await (await fetch(`${s.url('capture')}/metrics`)).text();
  expect(metrics).toMatch(/disk_cap_blocked\S*\s+1/);
  track();
  const beforeInference = seen.size;
  for (const c of seen) expect(fs.existsSync(path.join(s.clipsDir, c))).toBe(true);

  // 2. inference judges the backlog; retention evicts judged clips down to the cap; recording goes on
  await s.start('inference');
  await waitFor(() => (track(), bytes() <= CAP && seen.size >= beforeInference + 3), {
    timeoutMs: 90_000,
    what: 'retention freed space below the cap',
    everyMs: 200,
  }).catch(fail);
  const counts = await s.verdictCounts();
  const evicted = [...seen].filter((c) => !fs.existsSync(path.join(s.clipsDir, c)));
  expect(evicted.length).toBeGreaterThan(0);
  for (const c of evicted) expect(counts.get(jobIdOf(c))).toBe(1);
  const last = s.recordedClips().length;
  await waitFor(() => (track(), s.recordedClips().length > last || seen.size > beforeInference + 4), {
    timeoutMs: 30_000,
    what: 'recording continues after the eviction',
    everyMs: 200,
  }).catch(fail);
  expect(s.part('capture')!.alive()).toBe(true);
}, 240_000);
