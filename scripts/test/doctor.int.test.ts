import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startVllmSim, type VllmSimHandle } from '../../simulator/vllm/src';
import { tsLoaderArgs, tsLoaderEnv } from '../../functions/shared/src/ts-loader';

/** `npm run doctor` as operators run it: a real child process against vllm-sim (a simulator of vLLM: no GPU here). */
const ROOT = path.join(__dirname, '..', '..');

function doctor(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...tsLoaderArgs(), path.join(ROOT, 'scripts', 'doctor.ts')], {
      cwd: ROOT,
      env: {
        ...tsLoaderEnv(),
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LOG_LEVEL: 'silent',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

let clipsDir: string;
let sim: VllmSimHandle | undefined;
beforeAll(async () => {
  clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'doctor-clips-'));
});
afterAll(async () => {
  await sim?.close();
  await fs.rm(clipsDir, { recursive: true, force: true });
});

test('without VLLM_BASE_URL it starts a vllm-sim of the pinned version, checks every mode twice, and passes', async () => {
  const r = await doctor({ CLIPS_DIR: clipsDir });
  expect(r.out).toMatch(/vllm-sim \(a simulator of vLLM 0\.12\.0\)/);
  expect(r.out).toMatch(/version 0\.12\.0 {2}model Qwen\/Qwen3-VL-8B-Instruct/);
  for (const mode of ['video-frames (VIDEO_INPUT)', 'video-file', 'images'])
    expect(r.out).toMatch(new RegExp(`\\| ${mode.replace(/[()]/g, '\\$&')}\\s*\\| 200/200 `));
  expect(r.out).toContain('OK: VIDEO_INPUT=video-frames works with this server.');
  expect(r.out).toContain('few-shot by reference (uuid-only parts, FEWSHOT_BY_REFERENCE): supported');
  expect(r.code).toBe(0);
}, 120_000);

test('a server older than vLLM 0.11.0 is reported as not taking uuid-only parts (issue #27.4)', async () => {
  const old = await startVllmSim({ port: 0, vllmVersion: '0.11.0' });
  const older = await startVllmSim({ port: 0, vllmVersion: '0.10.2' });
  try {
    const ok = await doctor({ CLIPS_DIR: clipsDir, VLLM_BASE_URL: old.url, VIDEO_INPUT: 'video-frames' });
    expect(ok.out).toContain('few-shot by reference (uuid-only parts, FEWSHOT_BY_REFERENCE): supported');
    const r = await doctor({ CLIPS_DIR: clipsDir, VLLM_BASE_URL: older.url, VIDEO_INPUT: 'video-frames' });
    expect(r.out).toMatch(/few-shot by reference \(uuid-only parts\): NOT supported \(HTTP 400: .*needs its URL/);
  } finally {
    await old.close();
    await older.close();
  }
}, 180_000);

test("against a server that rejects the configured mode it exits 1, naming the mode and the server's message", async () => {
  sim = await startVllmSim({
    port: 0,
    faults: { failPromptContaining: 'Camera: doctor\n' },
    promptTokensDetails: false,
  });
  const r = await doctor({ CLIPS_DIR: clipsDir, VLLM_BASE_URL: sim.url, VIDEO_INPUT: 'images' });
  expect(r.out).toMatch(
    /FAIL: VIDEO_INPUT=images does not work with this server: HTTP 500\/500: vllm-sim: injected failure/,
  );
  expect(r.code).toBe(1);
}, 120_000);

test('a server without --enable-prompt-tokens-details is flagged', async () => {
  const plain = await startVllmSim({ port: 0, promptTokensDetails: false });
  try {
    const r = await doctor({ CLIPS_DIR: clipsDir, VLLM_BASE_URL: plain.url, VIDEO_INPUT: 'images' });
    expect(r.out).toMatch(/\| images \(VIDEO_INPUT\)\s*\| 200\/200 .*seems MISSING/);
    expect(r.code).toBe(0);
  } finally {
    await plain.close();
  }
}, 120_000);
