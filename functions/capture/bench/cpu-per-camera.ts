/**
 * Measures capture's CPU per camera against rtsp-sim (640×360 scenes): recorder ffmpeg
 * processes (from /proc) plus this Node process (CSV tailing, validation, enqueue).
 * Usage: npx tsx functions/capture/bench/cpu-per-camera.ts [cameras=10] [seconds=30]
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { createRegistry } from '../../shared/src/metrics';
import { startCapture } from '../src/app/start-capture';
import { histogram, newPrefix, simTemplate, startSim, testConfig } from '../test/helpers';
import { sleep } from '../../shared/src/async';
import { deleteKeysUnder } from '../../../test/support';

const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;

async function ffmpegTicks(parent: number): Promise<number> {
  let total = 0;
  for (const pid of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) !== parent || !stat.includes('(ffmpeg)')) continue;
    // the sim's publishers are ffmpeg children of this process too: count recorders only
    if (!(await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('-segment_list')) continue;
    total += Number(fields[11]) + Number(fields[12]);
  }
  return total;
}

async function main(): Promise<void> {
  const cameras = Number(process.argv[2] ?? 10);
  const seconds = Number(process.argv[3] ?? 30);
  const sim = await startSim(cameras);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'capture-cpu-'));
  const prefix = newPrefix();
  const registry = createRegistry('capture-bench', false);
  const capture = await startCapture(
    testConfig({
      CLIPS_DIR: dir,
      REDIS_PREFIX: prefix,
      NUM_STREAMS: String(cameras),
      RTSP_URL_TEMPLATE: simTemplate(sim),
    }),
    { serve: false, registry },
  );
  await sleep(cameras * 300 + 6000); // staggered start + first segment
  const node0 = process.cpuUsage();
  const ff0 = await ffmpegTicks(process.pid);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const wall = (Date.now() - t0) / 1000;
  const nodeCpu = (() => {
    const u = process.cpuUsage(node0);
    return (u.user + u.system) / 1e6;
  })();
  const ffCpu = ((await ffmpegTicks(process.pid)) - ff0) / TICK;
  const { count, sum } = await histogram(registry, 'safetyhanta_capture_segment_lag_seconds');
  await capture.stop();
  await sim.stop();
  const redis = new Redis();
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  await fs.rm(dir, { recursive: true, force: true });
  const pct = (cpu: number) => ((cpu / wall) * 100).toFixed(2);
  process.stdout.write(
    [
      `| cameras | seconds | recorders (ffmpeg) | capture node | per camera (total) | clips | mean lag |`,
      `|---|---|---|---|---|---|---|`,
      `| ${cameras} | ${wall.toFixed(0)} | ${pct(ffCpu)} % | ${pct(nodeCpu)} % (incl. rtsp-sim's supervisor) | ${((((ffCpu + nodeCpu) / wall) * 100) / cameras).toFixed(2)} % | ${count} | ${((sum / Math.max(1, count)) * 1000).toFixed(1)} ms |`,
    ].join('\n') + '\n',
  );
}

void main();
