/**
 * Thumbnail abuse (issue #18.4, #18.5), with real ffmpeg; the "slow input" cases use a stand-in
 * ffmpeg that never answers (a shell script that sleeps), because no real clip inside CLIPS_DIR
 * makes ffmpeg 5.1 hang on demand.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ThumbnailCache, ThumbnailsBusyError } from '../src/adapters/thumbnails';
import { startAlerts, type RunningAlerts } from '../src/app/start-alerts';
import { testEnv } from './helpers';
import { waitUntil, makeTestClip } from '../../../test/support';

jest.setTimeout(60_000);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A stand-in ffmpeg that hangs, recording its pid (one line per run). */
async function hangingFfmpeg(dir: string): Promise<{ bin: string; pids: () => Promise<number[]> }> {
  const bin = path.join(dir, 'ffmpeg-hangs.sh');
  const pidFile = path.join(dir, 'pids');
  await fs.writeFile(bin, `#!/bin/sh\necho $$ >> '${pidFile}'\nexec sleep 60\n`, { mode: 0o755 });
  return {
    bin,
    pids: async () => (await fs.readFile(pidFile, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number),
  };
}

function rawGet(base: string, p: string): { done: Promise<{ status: number; body: Buffer }>; cancel(): void } {
  const u = new URL(base);
  let req: http.ClientRequest | undefined;
  const done = new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    req = http.get({ host: u.hostname, port: u.port, path: p, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
  return { done, cancel: () => req?.destroy() };
}

describe('thumbnails: hardened ffmpeg runs', () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let tmp: string;
  const clips = ['cam1/a.mp4', 'cam1/b.mp4', 'cam1/c.mp4', 'cam1/d.mp4'];

  beforeAll(async () => {
    env = await testEnv();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'alerts-thumbs-'));
    await makeTestClip(path.join(env.clipsDir, clips[0]!), { seconds: 1 });
    for (const c of clips.slice(1)) await fs.copyFile(path.join(env.clipsDir, clips[0]!), path.join(env.clipsDir, c));
  });

  afterAll(async () => {
    await env?.cleanup();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  it('one cache entry per file, however the path is spelled (cam1/./x.mp4, cam1//x.mp4)', async () => {
    const cache = new ThumbnailCache({ clipsDir: env.clipsDir, ffmpegPath: 'ffmpeg' });
    const shots = await Promise.all(
      ['cam1/a.mp4', 'cam1/./a.mp4', 'cam1//a.mp4', './cam1/a.mp4'].map((p) => cache.get(p)),
    );
    await cache.get('cam1/././a.mp4');
    expect(cache.extractions).toBe(1);
    expect(shots.every((s) => s.equals(shots[0]!))).toBe(true);
  });

  it('an HLS playlist saved as .mp4 pointing outside CLIPS_DIR is not followed (forced mov demuxer, file protocol only)', async () => {
    const outside = path.join(tmp, 'outside.ts');
    await makeTestClip(outside, { source: 'testsrc2', width: 160, height: 90, seconds: 1, container: 'mpegts' });
    await fs.writeFile(
      path.join(env.clipsDir, 'cam1', 'evil.mp4'),
      `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n${outside}\n#EXT-X-ENDLIST\n`,
    );
    const alerts: RunningAlerts = await startAlerts(env.config, { host: '127.0.0.1' });
    try {
      const r = await rawGet(alerts.url, `/thumbs/cam1.jpg?clip=${encodeURIComponent('cam1/evil.mp4')}`).done;
      expect(r.status).toBe(500);
      expect(r.body.subarray(0, 2).toString('hex')).not.toBe('ffd8');
      expect(r.body.toString()).not.toContain(env.clipsDir); // no absolute server path in the answer
    } finally {
      await alerts.stop();
    }
  });

  it('a run that takes too long is killed and reported', async () => {
    const fake = await hangingFfmpeg(await fs.mkdtemp(path.join(tmp, 'timeout-')));
    const cache = new ThumbnailCache({ clipsDir: env.clipsDir, ffmpegPath: fake.bin, timeoutMs: 600 });
    const t0 = Date.now();
    await expect(cache.get('cam1/a.mp4')).rejects.toThrow(/longer than 600 ms/);
    expect(Date.now() - t0).toBeLessThan(5000);
    const [pid] = await fake.pids();
    await waitUntil(() => pid !== undefined && !alive(pid), { timeoutMs: 5000, what: 'the hung ffmpeg to be gone' });
    expect(cache.killed).toBe(1);
  });

  it('over HTTP: the waiting queue is bounded (503 past it), and ffmpeg is killed when its client goes', async () => {
    const fake = await hangingFfmpeg(await fs.mkdtemp(path.join(tmp, 'abort-')));
    const alerts = await startAlerts(
      {
        ...env.config,
        tools: { ...env.config.tools, ffmpegPath: fake.bin },
        alerts: { ...env.config.alerts, thumbQueue: 1, thumbTimeoutMs: 30_000 },
      },
      { host: '127.0.0.1' },
    );
    try {
      const url = (c: string) => `/thumbs/cam1.jpg?clip=${encodeURIComponent(c)}`;
      // two run (concurrency 2), one waits, the fourth is refused at once
      const running = [rawGet(alerts.url, url(clips[0]!)), rawGet(alerts.url, url(clips[1]!))];
      await waitUntil(async () => (await fake.pids()).length === 2, { timeoutMs: 10_000, what: 'two ffmpeg runs' });
      const queued = rawGet(alerts.url, url(clips[2]!));
      // the fourth goes only once the third holds the one queue place: sent together, whichever the server
      // resolves first gets it, and a fourth that got queued would hang this wait past the test's timeout
      await waitUntil(
        async () =>
          /safetyhanta_alerts_thumbnails_waiting\S* 1\n/.test(
            (await rawGet(alerts.url, '/metrics').done).body.toString(),
          ),
        { timeoutMs: 10_000, what: 'the third thumbnail queued' },
      );
      const refused = await rawGet(alerts.url, url(clips[3]!)).done;
      expect(refused.status).toBe(503);
      // every client goes: the two ffmpeg processes are killed, the queued one never starts
      for (const r of [...running, queued]) {
        r.cancel();
        r.done.catch(() => undefined);
      }
      const pids = await fake.pids();
      await waitUntil(() => pids.every((p) => !alive(p)), {
        timeoutMs: 10_000,
        what: 'ffmpeg killed after its clients left',
      });
      expect(await fake.pids()).toHaveLength(2);
    } finally {
      await alerts.stop();
    }
  });

  it('the queue bound is also enforced on the cache itself', async () => {
    const fake = await hangingFfmpeg(await fs.mkdtemp(path.join(tmp, 'queue-')));
    const cache = new ThumbnailCache({
      clipsDir: env.clipsDir,
      ffmpegPath: fake.bin,
      maxWaiting: 1,
      concurrency: 1,
      timeoutMs: 30_000,
    });
    const ac = new AbortController();
    // get() resolves the path (async realpath) before it takes a slot, so three calls made at once reach the
    // queue in whatever order the file system answers; under load the third could take the slot and the test
    // then waited out two 30 s ffmpeg timeouts (its 60 s timeout, seen once). Each call is let in only once the
    // one before it holds its place: the first runs ffmpeg, the second waits in the queue.
    const first = cache.get(clips[0]!, ac.signal);
    await waitUntil(async () => (await fake.pids()).length === 1, { timeoutMs: 10_000, what: 'the first ffmpeg run' });
    const second = cache.get(clips[1]!, ac.signal);
    await waitUntil(() => cache.queued === 1, { timeoutMs: 10_000, what: 'the second extraction queued' });
    await expect(cache.get(clips[2]!)).rejects.toBeInstanceOf(ThumbnailsBusyError);
    expect(cache.queued).toBe(1);
    ac.abort();
    await expect(first).rejects.toThrow(/client went away/);
    await expect(second).rejects.toThrow(/client went away/);
    expect(cache.queued).toBe(0);
    const pids = await fake.pids();
    await waitUntil(() => pids.every((p) => !alive(p)), { timeoutMs: 5000, what: 'ffmpeg gone' });
  });
});
