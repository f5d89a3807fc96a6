import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { tsLoaderArgs, tsLoaderEnv } from '../../../functions/shared/src/ts-loader';

jest.setTimeout(60000);

/** `npm run start:vllm-sim` as a real process: config errors stop it, SIGTERM ends it cleanly. */
const ROOT = path.resolve(__dirname, '../../..');
const children: ChildProcess[] = [];

function start(env: Record<string, string>): {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
} {
  // node itself, not the tsx CLI: tsx relays SIGTERM and, when its child's acknowledgement comes late (a loaded
  // machine), SIGKILLs it and exits 143 itself (tsx 4 relaySignalToChild), which this test once saw in CI
  const child = spawn(process.execPath, [...tsLoaderArgs(), 'simulator/vllm/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...tsLoaderEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

it('a bad variable stops start-up with a message naming it', async () => {
  const p = start({ VLLM_SIM_PORT: 'eighty', VLLM_SIM_MAX_BATCH: '0' });
  expect(await p.exited).toBe(1);
  expect(p.out()).toMatch(/VLLM_SIM_PORT="eighty" is invalid/);
  expect(p.out()).toMatch(/VLLM_SIM_MAX_BATCH="0" is invalid/);
});

it('serves the configured model on a free port and exits 0 on SIGTERM', async () => {
  const p = start({ VLLM_SIM_PORT: '0', VLLM_MODEL: 'test/model', LOG_LEVEL: 'info' });
  const deadline = Date.now() + 30000;
  let url: string | undefined;
  while (!url && Date.now() < deadline) {
    url = /"url":"([^"]+)"/.exec(p.out())?.[1];
    if (!url) await new Promise((r) => setTimeout(r, 50));
  }
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  const models = (await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] };
  expect(models.data.map((m) => m.id)).toEqual(['test/model']);
  p.child.kill('SIGTERM');
  expect(await p.exited).toBe(0);
});
