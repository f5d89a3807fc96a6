import fs from 'node:fs/promises';
import path from 'node:path';
import { splitSegmentChunk, type SegmentEntry } from '../core/segment-list';
import { SegmentTail, type ListedSegment } from './segment-tail';

/**
 * The model-clip and thumbnail outputs' segment lists of one run (issue #13). Segments are
 * paired with the evidence by their times (core/model-pairing.ts, issue #26.1), never by name:
 * each output's segmenter stamps its own file with its own wall clock, which may differ by a second.
 */
export class ListedSequence {
  private readonly entries: ListedSegment[] = [];
  private readonly waiters: { n: number; resolve: (e: ListedSegment | undefined) => void }[] = [];
  private closed = false;
  private readonly tail: SegmentTail;

  constructor(listFile: string) {
    this.tail = new SegmentTail(listFile, (entries) => {
      this.entries.push(...entries);
      this.wake();
    });
  }

  start(): void {
    this.tail.start();
  }

  /**
   * The n-th (0-based) listed segment; undefined when the list closed without it or it did not
   * come within `timeoutMs` (the model output stalled or failed: the evidence goes on without it).
   */
  nth(n: number, timeoutMs: number): Promise<ListedSegment | undefined> {
    if (n < this.entries.length) return Promise.resolve(this.entries[n]);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const w = { n, resolve };
      this.waiters.push(w);
      const timer = setTimeout(() => this.settle(w, undefined), timeoutMs);
      timer.unref();
      w.resolve = (e) => {
        clearTimeout(timer);
        resolve(e);
      };
    });
  }

  /**
   * The entries listed so far, once `enough(entries)` holds, the list closed, or `timeoutMs`
   * passed (whichever comes first).
   */
  async until(
    enough: (entries: readonly ListedSegment[]) => boolean,
    timeoutMs: number,
  ): Promise<readonly ListedSegment[]> {
    const deadline = Date.now() + timeoutMs;
    for (
      let n = this.entries.length;
      !enough(this.entries) && !this.closed && Date.now() < deadline;
      n = this.entries.length
    )
      await this.nth(n, deadline - Date.now());
    return this.entries;
  }

  /** After ffmpeg exited: the last lines are read, then every wait still open ends. */
  async close(): Promise<void> {
    await this.tail.close();
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) {
      if (w.n < this.entries.length) this.settle(w, this.entries[w.n]);
      else if (this.closed) this.settle(w, undefined);
    }
  }

  private settle(
    w: { n: number; resolve: (e: ListedSegment | undefined) => void },
    e: ListedSegment | undefined,
  ): void {
    const i = this.waiters.indexOf(w);
    if (i < 0) return;
    this.waiters.splice(i, 1);
    w.resolve(e);
  }
}

/** Crash recovery: a run's list read whole (its ffmpeg is gone); file names are base names. */
export async function readListed(listFile: string): Promise<SegmentEntry[]> {
  const text = await fs.readFile(listFile, 'utf8').catch(() => '');
  const { entries } = splitSegmentChunk('', text.endsWith('\n') ? text : `${text}\n`);
  return entries.map((e) => ({ ...e, file: path.basename(e.file) }));
}
