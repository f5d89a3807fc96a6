import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../../../functions/shared/src/async';
import { renderOnce } from '../src/adapters/render-lock';

/** Above PID_MAX_LIMIT (2^22 on 64-bit Linux, proc(5) /proc/sys/kernel/pid_max): no process can have it. */
const DEAD_PID = 4_194_305;

describe('renderOnce: one render per file across processes (render-lock.ts)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-lock-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const fileIn = (d: string) => {
    const out = path.join(d, 'scene.mp4');
    return { out, lock: `${out}.lock`, ready: async () => fs.existsSync(out) };
  };

  it('two callers at once: one renders, the other waits for its file and renders nothing', async () => {
    const { out, lock, ready } = fileIn(dir);
    let renders = 0;
    let finish: () => void = () => undefined;
    const render = async () => {
      renders++;
      await new Promise<void>((resolve) => (finish = resolve));
      fs.writeFileSync(out, 'video');
      return 'rendered';
    };
    let settled = 0;
    const [first, second] = [renderOnce(lock, ready, render), renderOnce(lock, ready, render)].map((p) =>
      p.finally(() => settled++),
    );
    await waitFor(() => renders === 1 && fs.existsSync(lock), { what: 'one render holding the lock' });
    expect(fs.readFileSync(lock, 'utf8')).toBe(String(process.pid));
    expect(settled).toBe(0); // the other one waits
    finish();
    expect((await Promise.all([first, second])).sort()).toEqual(['rendered', undefined]);
    expect(renders).toBe(1);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('a lock left by a process that died is taken over', async () => {
    const { out, lock, ready } = fileIn(dir);
    fs.writeFileSync(lock, String(DEAD_PID));
    const got = await renderOnce(lock, ready, async () => (fs.writeFileSync(out, 'video'), 'rendered'));
    expect(got).toBe('rendered');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('a failed render releases the lock, so the next caller renders', async () => {
    const { out, lock, ready } = fileIn(dir);
    await expect(
      renderOnce(lock, ready, async () => {
        throw new Error('ffmpeg exited 1');
      }),
    ).rejects.toThrow('ffmpeg exited 1');
    expect(fs.existsSync(lock)).toBe(false);
    expect(await renderOnce(lock, ready, async () => (fs.writeFileSync(out, 'video'), 'again'))).toBe('again');
  });

  it('a waiter stops waiting when its signal aborts', async () => {
    const { lock, ready } = fileIn(dir);
    fs.writeFileSync(lock, String(process.pid)); // held by a live process (this one) that never finishes
    const ac = new AbortController();
    const waiting = renderOnce(lock, ready, async () => 'never', ac.signal);
    ac.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });
});
