import { drained, ledger } from '../support/system/checks';
import { startOwnRedis, type OwnRedis, waitFor } from '../support';
import { startStack, type TestStack } from '../support/system/stack';

/**
 * Redis restarted mid-run (the test's own redis-server with an append-only file, down for a
 * few seconds while cameras keep recording): afterwards every clip recorded during the run —
 * also those closed while Redis was down — has exactly one verdict.
 */
let redis: OwnRedis | undefined;
let stack: TestStack | undefined;

afterAll(async () => {
  await stack?.stop();
  await redis?.destroy();
});

it('gives every clip recorded across a Redis restart exactly one verdict', async () => {
  redis = await startOwnRedis();
  const r = redis;
  stack = await startStack({
    redisUrl: r.url,
    cameras: 2,
    mapping: { cam1: 'no_hard_hat', cam2: 'safe' },
    // clips closed while Redis was away are re-enqueued from the segment lists by the periodic pass
    env: { SEGMENT_SECONDS: '2', CAPTURE_STAGGER_MS: '100', CLIP_RETENTION_INTERVAL_SECONDS: '5' },
  });
  const s = stack;
  const fail = (err: Error) => {
    throw new Error(`${err.message}\n${s.logs()}`);
  };
  await Promise.all([s.start('vllmSim'), s.start('alerts')]);
  await Promise.all([s.start('inference'), s.start('capture')]);
  await waitFor(async () => (await s.verdictCounts()).size >= 4, {
    timeoutMs: 60_000,
    what: '4 verdicts before the restart',
    everyMs: 200,
  }).catch(fail);

  await r.stop('SIGTERM');
  const clipsAtStop = s.recordedClips().length + s.stagedSegments();
  // cameras keep recording while Redis is away: at least 2 more segments per camera meanwhile
  await waitFor(() => s.recordedClips().length + s.stagedSegments() >= clipsAtStop + 4, {
    timeoutMs: 30_000,
    what: 'segments recorded while Redis is down',
    everyMs: 100,
  }).catch(fail);
  await r.start();

  await waitFor(() => s.recordedClips().length >= clipsAtStop + 10, {
    timeoutMs: 60_000,
    what: 'clips after the restart',
    everyMs: 200,
  }).catch(fail);
  // the cameras go away (no new clips); capture keeps running and hands over what it holds
  for (const n of [1, 2]) await s.rtsp!.drop(n);
  await waitFor(() => drained(s), {
    timeoutMs: 120_000,
    what: 'every recorded clip judged and the queue drained',
    everyMs: 250,
  }).catch(async (err: Error) => {
    fail(
      new Error(
        `${err.message}\nledger: ${JSON.stringify(await ledger(s))}\ndead: ${JSON.stringify(await s.redis.lrange(s.keys.dead, 0, -1))}`,
      ),
    );
  });

  const l = await ledger(s);
  expect(l.missing).toEqual([]);
  expect(l.staged).toEqual([]);
  expect(l.twice).toEqual([]);
  expect(l.duplicateAlerts).toEqual([]);
  expect(await s.redis.llen(s.keys.dead)).toBe(0);
  for (const name of ['capture', 'inference', 'alerts'] as const) expect(s.part(name)!.alive()).toBe(true);
}, 240_000);
