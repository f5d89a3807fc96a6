import type fs from 'node:fs';
import type { Readable } from 'node:stream';
import { openPrivateAppend } from './private-files';

/**
 * A part's log: every line its stdout/stderr writes goes to `<logs>/<part>.log` prefixed with
 * the part name (so `cat logs/*.log | sort` still tells them apart), and the last lines stay
 * in memory for the status panel when the part dies.
 */
export class LineLog {
  private readonly out: fs.WriteStream;
  private readonly recent: string[] = [];

  constructor(
    readonly file: string,
    private readonly prefix: string,
    private readonly keep = 40,
  ) {
    this.out = openPrivateAppend(file); // 0600: a part's log may hold what only its user should read
    this.out.on('error', () => undefined);
  }

  /** Splits a stream into lines and writes each one. */
  attach(stream: Readable | null): void {
    if (!stream) return;
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.write(line);
    });
    stream.on('end', () => {
      if (partial) this.write(partial);
      partial = '';
    });
  }

  write(line: string): void {
    const clean = line.replace(/\r$/, '');
    this.recent.push(clean);
    if (this.recent.length > this.keep) this.recent.shift();
    this.out.write(`[${this.prefix}] ${clean}\n`);
  }

  /** The last `n` lines, as written by the part (without prefix). */
  tail(n = 8): string[] {
    return this.recent.slice(-n);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(() => resolve()));
  }
}
