import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { continuousTimes, splitSegmentChunk, type SegmentEntry } from '../core/segment-list';

/** A finished segment plus when it closed on the wall clock (ms; core/segment-list.ts listedTimes). */
export interface ListedSegment extends SegmentEntry {
  listedAt: number;
}

/**
 * Follows one run's CSV segment list: inotify on the run folder for low latency, and a slow
 * poll as a backstop (inotify can miss events on some network volumes). Reads from the last
 * byte offset; entries are delivered in order, each exactly once.
 */
export class SegmentTail {
  private offset = 0;
  private pending = '';
  private watcher: fs.FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();
  /** The last line read, dated by the list's mtime (core/segment-list.ts continuousTimes). */
  private last: { end: number; listedAt: number } | undefined;

  constructor(
    private readonly listFile: string,
    private readonly onEntries: (entries: ListedSegment[], bad: string[]) => void,
    private readonly pollMs = 500,
  ) {}

  start(): void {
    const name = path.basename(this.listFile);
    try {
      this.watcher = fs.watch(path.dirname(this.listFile), (_event, file) => {
        if (file === name) void this.check();
      });
      this.watcher.on('error', () => undefined);
    } catch {
      // no inotify: the poll alone still works
    }
    this.poll = setInterval(() => void this.check(), this.pollMs);
    this.poll.unref();
  }

  /** Reads whatever was appended since the last read. Serialised: concurrent calls queue up. */
  check(): Promise<void> {
    this.reading = this.reading.then(() => this.readNew()).catch(() => undefined);
    return this.reading;
  }

  /** Stops watching after one last read (call after ffmpeg exited). */
  async close(): Promise<void> {
    this.watcher?.close();
    if (this.poll) clearInterval(this.poll);
    await this.check();
  }

  private async readNew(): Promise<void> {
    // a stat per poll is cheaper than an open; at 100 cameras the poll runs 200 times a second
    const size = await fsp.stat(this.listFile).then(
      (s) => s.size,
      () => -1,
    );
    if (size <= this.offset) return;
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.listFile, 'r');
    } catch {
      return; // not created yet
    }
    try {
      const stat = await handle.stat();
      if (stat.size <= this.offset) return;
      const buf = Buffer.alloc(stat.size - this.offset);
      const { bytesRead } = await handle.read(buf, 0, buf.length, this.offset);
      this.offset += bytesRead;
      const { entries, rest, bad } = splitSegmentChunk(this.pending, buf.subarray(0, bytesRead).toString('utf8'));
      this.pending = rest;
      if (entries.length > 0 || bad.length > 0) {
        const at = continuousTimes(entries, stat.mtimeMs, this.last);
        const n = entries.length - 1;
        if (n >= 0) this.last = { end: entries[n]!.end, listedAt: stat.mtimeMs };
        this.onEntries(
          entries.map((e, i) => ({ ...e, listedAt: at[i]! })),
          bad,
        );
      }
    } finally {
      await handle.close();
    }
  }
}
