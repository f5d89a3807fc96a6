import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startLocalBroker } from '../stack/broker';
import { Part, type PartSpec } from '../stack/part';
import { freeTcpPort, freeTcpPorts } from '../stack/ports';
import { launchRedis, redisAnswers } from '../stack/redis';
import { reapLeftovers } from '../stack/setup';
import http from 'node:http';
import { alive, waitUntil } from '../../test/support';
import { tsLoaderArgs } from '../../functions/shared/src/ts-loader';

const REPO = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'safety-hanta-supervisor-'));
const parts: Part[] = [];

afterAll(async () => {
  for (const p of parts) await p.kill();
  await Promise.all(parts.map((p) => p.close()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function fakePart(mode: string, maxRestarts = 0): Promise<Part> {
  const port = await freeTcpPort();
  const spec: PartSpec = {
    name: `fake-${mode}`,
    main: 'scripts/test/fixtures/fake-part/main.ts',
    stopSignal: 'SIGTERM',
    env: { PATH: process.env.PATH ?? '', PORT: String(port), FAKE_MODE: mode },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
    url: '',
    after: [],
  };
  const part = new Part(spec, { repoRoot: REPO, logsDir: tmp, maxRestarts });
  parts.push(part);
  part.start();
  return part;
}

const grandchildOf = (part: Part) =>
  waitUntil(
    () => {
      const m = /grandchild (\d+)/.exec(fs.readFileSync(part.log.file, 'utf8'));
      return m ? Number(m[1]) : undefined;
    },
    { timeoutMs: 20_000, what: 'the fake part to report its grandchild' },
  );

describe('Part (supervised child process)', () => {
  it('stops a part with its signal and sweeps the grandchild it left behind', async () => {
    const part = await fakePart('ok');
    await part.waitReady(30_000);
    const gc = await grandchildOf(part);
    const pid = part.pid!;
    expect(await part.stop(10_000)).toEqual({ escalated: false });
    expect(alive(pid)).toBe(false);
    await waitUntil(() => !alive(gc), { timeoutMs: 5000, what: 'the orphaned grandchild to be killed' });
    expect(part.log.tail(20).join('\n')).toMatch(/^swept 1 leftover process/m);
  }, 60_000);

  it('escalates to SIGKILL of the group when a part ignores its stop signal', async () => {
    const part = await fakePart('stubborn');
    await part.waitReady(30_000);
    const gc = await grandchildOf(part);
    const t0 = Date.now();
    // a 0.5 s grace (the stack's is longer): what is checked is that stop() waits it out, then kills the group
    expect(await part.stop(500)).toEqual({ escalated: true });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    await waitUntil(() => !alive(gc) && !alive(part.pids[0]!), {
      timeoutMs: 5000,
      what: 'the group to be gone',
    });
  }, 60_000);

  it('does not restart a part that dies before it was ever ready (misconfigured): waitReady says why', async () => {
    const part = await fakePart('broken', 3);
    await expect(part.waitReady(30_000)).rejects.toThrow(/fake-broken exited \(exit code 2\)/);
    expect(part.state).toBe('failed');
    expect(part.restarts).toBe(0);
    expect(part.lastExit?.tail.join('\n')).toContain('bad configuration');
  }, 60_000);

  it('restarts a part that died after running, with backoff, and gives up after STACK_RESTARTS', async () => {
    const part = await fakePart('crash', 1);
    await part.waitReady(30_000);
    const died: number[] = [];
    part.on('died', () => died.push(Date.now()));
    await waitUntil(() => part.state === 'failed', {
      timeoutMs: 30_000,
      what: 'the part to fail for good',
    });
    expect(part.restarts).toBe(1);
    expect(part.pids).toHaveLength(2);
    expect(died).toHaveLength(2);
    expect(died[1]! - died[0]!).toBeGreaterThanOrEqual(1000); // first backoff is 1 s
    expect(part.lastExit?.code).toBe(3);
    expect(part.lastExit?.tail.join('\n')).toContain('crashing on purpose');
  }, 60_000);
});

describe('reapLeftovers (a previous stack was SIGKILLed and left its parts running)', () => {
  it('kills the recorded parts and descendants that still run our commands, and leaves recycled pids alone', async () => {
    const part = await fakePart('ok');
    await part.waitReady(30_000);
    const other = spawn('sleep', ['100'], { stdio: 'ignore' }); // not one of our commands: stands for a recycled pid
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const stateFile = path.join(tmp, 'stack.json');
    fs.writeFileSync(
      stateFile,
      JSON.stringify({
        pid: dead.pid,
        state: 'running',
        parts: [{ name: 'x', pids: [part.pid], descendants: [other.pid] }],
      }),
    );
    expect(reapLeftovers(stateFile)).toEqual([part.pid]);
    await waitUntil(() => !alive(part.pids[0]!), { timeoutMs: 5000, what: 'the leftover part to die' });
    expect(alive(other.pid!)).toBe(true);
    other.kill('SIGKILL');
  }, 60_000);
});

describe('freeTcpPorts', () => {
  it('gives distinct ports (one after the other, the OS may offer the same port twice)', async () => {
    const ports = await freeTcpPorts(40);
    expect(new Set(ports).size).toBe(40);
  });
});

describe('launchRedis', () => {
  it('starts a private redis-server on a free port with a temp dir, and stops it without a trace', async () => {
    const r = await launchRedis('redis-server', tmp);
    expect(await redisAnswers(r.url)).toBe(true);
    expect(fs.existsSync(r.dir)).toBe(true);
    await r.stop();
    expect(alive(r.pid)).toBe(false);
    expect(fs.existsSync(r.dir)).toBe(false);
    expect(await redisAnswers(r.url, 300)).toBe(false);
  }, 30_000);
});

describe('local broker', () => {
  it('forwards routed types with the subscriber status, accepts and drops the others', async () => {
    const seen: string[] = [];
    const sub = http.createServer((req, res) => {
      seen.push(String(req.headers['ce-type']));
      res.writeHead(req.headers['ce-type'] === 'com.safetyhanta.camera.online' ? 400 : 204).end();
    });
    await new Promise<void>((r) => sub.listen(0, '127.0.0.1', () => r()));
    const broker = await startLocalBroker(`http://127.0.0.1:${(sub.address() as net.AddressInfo).port}/`);
    const post = (type: string) =>
      fetch(broker.url, {
        method: 'POST',
        headers: { 'ce-type': type, 'ce-specversion': '1.0', 'content-type': 'application/json' },
        body: '{}',
      }).then((r) => r.status);
    expect(await post('com.safetyhanta.alert.raised')).toBe(204);
    expect(await post('com.safetyhanta.clip.captured')).toBe(202);
    expect(await post('com.safetyhanta.camera.online')).toBe(400);
    expect(seen).toEqual(['com.safetyhanta.alert.raised', 'com.safetyhanta.camera.online']);
    expect({ ...broker.counts }).toEqual({ delivered: 1, unrouted: 1, failed: 1 });
    await broker.close();
    await new Promise<void>((r) => sub.close(() => r()));
  });
});

describe('npm start pre-flight (real process)', () => {
  it('refuses a busy PORT, naming the port and the variable, and exits 1 without starting anything', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const child = spawn(process.execPath, [...tsLoaderArgs(), 'scripts/start-stack.ts'], {
      cwd: REPO,
      env: { ...process.env, PORT: String(port), STACK_DIR: path.join(tmp, 'busy'), REDIS_PREFIX: 'test-preflight' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    blocker.close();
    expect(code).toBe(1);
    expect(out).toContain(`Port ${port} (the alerts dashboard, PORT) is already in use.`);
    expect(out).toContain(`PORT=${port + 1} npm start`);
    expect(fs.existsSync(path.join(tmp, 'busy', 'logs', 'rtsp-sim.log'))).toBe(false);
  }, 30_000);
});
