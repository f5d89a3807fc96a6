/**
 * A progress bar on stderr (stdout stays the summary, for pipes). On a TTY it redraws one line;
 * elsewhere (CI logs) it prints a line at every 10 %, never a wall of carriage returns.
 */
export class Progress {
  private lastDecile = -1;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly label = 'eval',
  ) {}

  tick(done: number, wrong: number): void {
    const pct = this.total === 0 ? 1 : done / this.total;
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    if (this.stream.isTTY) {
      const width = 30;
      const fill = Math.round(pct * width);
      this.stream.write(
        `\r${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${this.total} wrong ${wrong} ${secs}s`,
      );
      if (done === this.total) this.stream.write('\n');
      return;
    }
    const decile = Math.floor(pct * 10);
    if (decile !== this.lastDecile || done === this.total) {
      this.lastDecile = decile;
      this.stream.write(
        `${this.label}: ${done}/${this.total} clips (${Math.round(pct * 100)}%), wrong ${wrong}, ${secs}s\n`,
      );
    }
  }
}
