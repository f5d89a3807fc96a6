import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Frame } from '../core/frame';
import { decodeFilter } from './decode';

/**
 * In-process video decode with node-av (FFmpeg 8's libavformat/libavcodec/libavfilter bound to
 * Node): the same filter graph as the ffmpeg child (`decodeFilter`), so sampling and scaling are
 * identical, without a process spawn per request (≈0.09 CPU-s before any work, docs/architecture.md §5).
 *
 * It runs on one worker thread of this process (decode-worker.mjs), for two reasons: node-av is an
 * ES module, which a CommonJS/ts-jest host cannot `import()` (jest: "A dynamic import callback was
 * invoked without --experimental-vm-modules"), while a worker is loaded by Node itself; and
 * decoding there keeps the HTTP event loop free. Frames come back as transferred buffers (no copy).
 */

interface Reply {
  id: number;
  frames?: { width: number; height: number; data: Uint8Array }[];
  error?: string;
}
interface Pending {
  resolve: (f: Frame[]) => void;
  reject: (e: Error) => void;
}

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 0;

function failAll(err: Error): void {
  for (const p of pending.values()) p.reject(err);
  pending.clear();
  worker = undefined;
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(path.join(__dirname, 'decode-worker.mjs'));
  w.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) w.unref(); // an idle decoder must not keep the process alive
    if (m.error !== undefined || !m.frames) p.reject(new Error(m.error ?? 'node-av decode returned nothing'));
    else p.resolve(m.frames.map((f) => ({ width: f.width, height: f.height, channels: 3, data: f.data })));
  });
  w.on('error', (e) => failAll(new Error(`node-av decode thread failed: ${e.message}`)));
  w.on('exit', (code) => {
    if (worker === w) failAll(new Error(`node-av decode thread exited with ${code}`));
  });
  worker = w;
  return w;
}

/** Decodes a video (or a single image) file into RGB frames in-process (one decode thread, FIFO). */
export function decodeVideoNodeAv(file: string, fps: number | 'all' = 2, longSide = 448): Promise<Frame[]> {
  const w = getWorker();
  const id = nextId++;
  return new Promise<Frame[]>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, file, filter: decodeFilter(fps, longSide) });
  });
}
