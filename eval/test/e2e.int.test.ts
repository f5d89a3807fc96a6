import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test/support/browser';
import { startVllmSim, type VllmSimHandle } from '../../simulator/vllm/src';
import { SCENES } from '../../simulator/cameras/src';
import { makeSynthetic } from '../src/adapters/make-synthetic';
import type { Results } from '../src/core/results';
import { CI_SET } from './ci-set';
import { tsLoaderArgs, tsLoaderEnv } from '../../functions/shared/src/ts-loader';

/**
 * make-synthetic → run → report → gate, end to end: rtsp-sim scenes, real ffmpeg, the CLI as a
 * child process, inference's own preparer/prompt/judge, vllm-sim (a simulator of vLLM: no GPU
 * here) and the report opened in Debian's chromium. It is also the CI gate: the run is compared
 * with the committed baseline (eval/baseline/ci-synthetic.json), so a change that breaks the
 * answers, their parsing or the prompt fails `npm test`.
 */
jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..', '..');
const BASELINE = path.join(ROOT, 'eval', 'baseline', 'ci-synthetic.json');

function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...tsLoaderArgs(), 'eval/src/main.ts', ...args], {
      cwd: ROOT,
      env: {
        ...tsLoaderEnv(),
        PATH: process.env.PATH ?? '',
        HOME: os.tmpdir(),
        LOG_LEVEL: 'warn',
        VERDICT_LANGUAGE: 'en',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('eval harness end to end (rtsp-sim scenes + ffmpeg + vllm-sim + chromium)', () => {
  let sim: VllmSimHandle;
  let dir: string;
  let browser: Browser | undefined;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    sim = await startVllmSim({ port: 0 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'eval-e2e-'));
  });
  afterAll(async () => {
    await browser?.close();
    await sim.close();
    await fs.rm(dir, { recursive: true, force: true });
    process.stdout.write(`eval e2e timings (ms): ${JSON.stringify(timings)}\n`);
  });

  it('makes the CI set, runs it through inference against vllm-sim, passes the committed baseline and writes the report', async () => {
    let t = Date.now();
    const labels = await makeSynthetic({
      out: path.join(dir, 'set'),
      clips: CI_SET.clips,
      seed: CI_SET.seed,
      render: CI_SET.render,
    });
    timings.makeSynthetic = Date.now() - t;
    expect(labels).toHaveLength(CI_SET.clips);
    // every scene the simulator draws (safe, each hazard, and any scene added later)
    expect(new Set(labels.map((l) => l.source?.scene))).toEqual(new Set(SCENES.map((s) => s.name)));
    expect(labels.some((l) => l.status === 'safe')).toBe(true);
    const written = (await fs.readFile(path.join(dir, 'set', 'labels.jsonl'), 'utf8')).trim().split('\n');
    expect(written).toHaveLength(CI_SET.clips);

    t = Date.now();
    const run = await cli(
      ['run', '--dataset', path.join(dir, 'set'), '--out', path.join(dir, 'report'), '--baseline', BASELINE],
      { VLLM_BASE_URL: sim.url },
    );
    timings.run = Date.now() - t;
    expect(run.stderr).toMatch(/eval: 20\/20 clips \(100%\)/); // progress on stderr, one line per step when not a TTY
    expect(run.stdout).toMatch(/^hazard\s+labelled\s+TP\s+FP\s+FN\s+precision\s+recall\s+F1$/m);
    expect(run.stdout).toContain('gate: no regression');
    expect(run.code).toBe(0);

    const results = JSON.parse(await fs.readFile(path.join(dir, 'report', 'results.json'), 'utf8')) as Results;
    expect(results.clips).toHaveLength(CI_SET.clips);
    expect(results.run.prefixHash).toMatch(/^[0-9a-f]{64}$/);
    expect(results.run.fewshot.examples.length).toBeGreaterThan(0);
    expect(results.run.sampling).toMatchObject({ temperature: 0 });
    for (const c of results.clips) {
      expect(c.tokens.prompt).toBeGreaterThan(0);
      expect(c.predicted.status).not.toBe('error');
    }
    // The shared few-shot prefix is served from the (simulated) prefix cache after the first requests.
    expect(results.clips.filter((c) => c.tokens.cached > 0).length).toBeGreaterThan(CI_SET.clips / 2);
    expect(results.metrics.micro.f1).toBeGreaterThan(0.8);

    t = Date.now();
    browser = await launchChromium();
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${path.join(dir, 'report', 'report.html')}`);
    expect(await page.locator('table.hazards tbody tr').count()).toBe(Object.keys(results.metrics.perHazard).length);
    expect(await page.locator('table.confusion tbody tr').count()).toBe(3);
    expect(await page.locator('#micro-f1').textContent()).toBe(results.metrics.micro.f1!.toFixed(3));
    const wrong = page.locator('figure.wrong');
    expect(await wrong.count()).toBe(results.metrics.wrong);
    // every wrong clip's strip decoded (a data: URI JPEG), with expected and predicted beside it
    const sizes = await page
      .locator('figure.wrong img')
      .evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
    expect(sizes).toHaveLength(results.metrics.wrong);
    for (const w of sizes) expect(w).toBeGreaterThan(100);
    expect(await page.locator('script').count()).toBe(0);
    expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
    timings.browser = Date.now() - t;
  });

  it('fails the gate, naming what got worse, when every answer breaks the schema (a prompt/parsing regression)', async () => {
    // A few clips are enough: the first ones holding ≥ 6 hazard labels (≥ 5, so the pooled micro F1 is gated); keeps the test short.
    const sub = path.join(dir, 'subset');
    await fs.mkdir(path.join(sub, 'clips'), { recursive: true });
    const lines: string[] = [];
    let hazardLabels = 0;
    for (const l of (await fs.readFile(path.join(dir, 'set', 'labels.jsonl'), 'utf8')).trim().split('\n')) {
      if (hazardLabels >= 6) break;
      const label = JSON.parse(l) as { clip: string; hazards: string[] };
      lines.push(l);
      hazardLabels += label.hazards.length;
      await fs.copyFile(path.join(dir, 'set', label.clip), path.join(sub, label.clip));
    }
    await fs.writeFile(path.join(sub, 'labels.jsonl'), lines.join('\n') + '\n');
    sim.setFaults({ breakSchema: 1_000 });
    try {
      const t = Date.now();
      const run = await cli(['run', '--dataset', sub, '--out', path.join(dir, 'broken'), '--baseline', BASELINE], {
        VLLM_BASE_URL: sim.url,
      });
      timings.brokenRun = Date.now() - t;
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(/gate: \d+ regression\(s\)/);
      expect(run.stdout).toMatch(/micro F1 \(all hazards\): \d\.\d{3} → 0\.000/);
      const results = JSON.parse(await fs.readFile(path.join(dir, 'broken', 'results.json'), 'utf8')) as Results;
      expect(results.clips.every((c) => c.predicted.status === 'uncertain' && c.calls === 2)).toBe(true);
    } finally {
      sim.setFaults({ breakSchema: 0 });
    }
  });

  it('compare prints both runs side by side', async () => {
    const out = await cli(
      ['compare', path.join(dir, 'report', 'results.json'), path.join(dir, 'broken', 'results.json')],
      {},
    );
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^fire\s+\S+\s+1\.000\s+–/m);
    expect(out.stdout).toContain('ΔF1');
  });

  it("sends a label's own camera context, and --cameras FILE instead when given (seen on the wire)", async () => {
    // A pass-through proxy in front of vllm-sim keeps the text of each request's final turn.
    const texts: string[] = [];
    const target = new URL(sim.url);
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url?.endsWith('/chat/completions')) {
          const msg = (
            JSON.parse(body.toString()) as { messages: { content: { type: string; text?: string }[] }[] }
          ).messages.at(-1)!;
          texts.push(msg.content.find((p) => p.type === 'text')?.text ?? '');
        }
        const up = http.request(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.on('error', () => res.writeHead(502).end());
        up.end(body);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1`;
      const ctxSet = path.join(dir, 'ctx');
      await fs.mkdir(path.join(ctxSet, 'clips'), { recursive: true });
      const [a, b] = (await fs.readFile(path.join(dir, 'set', 'labels.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown> & { clip: string });
      for (const l of [a!, b!]) await fs.copyFile(path.join(dir, 'set', l.clip), path.join(ctxSet, l.clip));
      const own = { ...a!, context: { site: 'label-site', requiredPpe: [], zones: [] } };
      await fs.writeFile(path.join(ctxSet, 'labels.jsonl'), `${JSON.stringify(own)}\n${JSON.stringify(b)}\n`);
      expect(
        (
          await cli(['run', '--dataset', ctxSet, '--out', path.join(dir, 'ctx-1'), '--concurrency', '1'], {
            VLLM_BASE_URL: url,
          })
        ).code,
      ).toBe(0);
      expect(texts.map((t) => /^Site: (.*)$/m.exec(t)?.[1])).toEqual(['label-site', 'industrial plant floor']);
      const file = path.join(dir, 'cameras.json');
      await fs.writeFile(
        file,
        JSON.stringify({ defaults: { site: 'file-site', requiredPpe: ['hard hat'], zones: [] } }),
      );
      texts.length = 0;
      const run = await cli(
        ['run', '--dataset', ctxSet, '--out', path.join(dir, 'ctx-2'), '--cameras', file, '--concurrency', '1'],
        { VLLM_BASE_URL: url },
      );
      expect(run.code).toBe(0);
      expect(texts.map((t) => /^Site: (.*)$/m.exec(t)?.[1])).toEqual(['file-site', 'file-site']);
      expect(
        (JSON.parse(await fs.readFile(path.join(dir, 'ctx-2', 'results.json'), 'utf8')) as Results).run.cameras,
      ).toBe(file);
    } finally {
      await new Promise<void>((r) => {
        proxy.close(() => r());
        proxy.closeAllConnections();
      });
    }
  });

  it('refuses a dataset with a bad line before any model call, naming the line', async () => {
    const bad = path.join(dir, 'bad');
    await fs.mkdir(bad);
    await fs.writeFile(
      path.join(bad, 'labels.jsonl'),
      '{"clip":"a.mp4","cameraId":"c","status":"safe","hazards":[]}\n{"clip":"a.mp4","cameraId":"c","status":"oops","hazards":[]}\n',
    );
    const before = sim.metrics();
    const out = await cli(['run', '--dataset', bad, '--out', path.join(dir, 'bad-report')], { VLLM_BASE_URL: sim.url });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/labels\.jsonl:2: status/);
    expect(sim.metrics().requests).toBe(before.requests);
  });
});
