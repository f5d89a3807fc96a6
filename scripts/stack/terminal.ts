import { ansi, plain, type Style } from './panel';

// eslint-disable-next-line no-control-regex -- ESC starts every ANSI sequence this strips
const ANSI_RE = /\x1b\[[0-9;]*[A-Za-z]/g;
const WIDE_RE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

/** Columns a string takes on a terminal (ANSI codes ignored, Hangul/CJK count 2). */
export function visibleWidth(s: string): number {
  let w = 0;
  for (const ch of s.replace(ANSI_RE, '')) w += WIDE_RE.test(ch) ? 2 : 1;
  return w;
}

/** Cuts a line to `columns`, keeping ANSI codes intact, so a redraw never wraps. */
export function fit(s: string, columns: number): string {
  if (visibleWidth(s) <= columns) return s;
  let out = '';
  let w = 0;
  for (let i = 0; i < s.length;) {
    // eslint-disable-next-line no-control-regex -- ESC starts an ANSI sequence
    const m = /^\x1b\[[0-9;]*[A-Za-z]/.exec(s.slice(i));
    if (m) {
      out += m[0];
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    const cw = WIDE_RE.test(ch) ? 2 : 1;
    if (w + cw > columns - 1) break;
    out += ch;
    w += cw;
    i += ch.length;
  }
  return `${out}…\x1b[0m`;
}

/** A login link's token (`/login?token=…`): only the user's terminal and the 0600 stack.json get it. */
const TOKEN_RE = /([?&]token=)[^&\s]+/g;

/**
 * A line as the stack's log file keeps it: ANSI codes stripped, and the dashboard login token
 * replaced (no secret in a log line, even a private one: logs get copied into tickets and bug reports).
 */
export function logLine(line: string): string {
  return line.replace(ANSI_RE, '').replace(TOKEN_RE, '$1<redacted: the link is in stack.json>');
}

/**
 * The stack's terminal: a panel redrawn in place on a TTY (messages scroll above it), or plain
 * lines. Everything written here also goes to `echo` (the stack's own log file), as logLine() keeps it.
 */
export class Terminal {
  private drawn = 0;
  private lastPanel: string[] = [];
  readonly live: boolean;
  readonly style: Style;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly echo: (line: string) => void = () => undefined,
  ) {
    this.live = out.isTTY === true;
    this.style = this.live ? ansi : plain;
  }

  /** A message line (start-up progress, a part died …), printed above the panel. */
  message(text: string): void {
    for (const line of text.split('\n')) this.echo(logLine(line));
    this.erase();
    this.out.write(`${text}\n`);
    this.paint(this.lastPanel);
  }

  /** Replaces the panel (TTY only). */
  panel(lines: string[]): void {
    if (!this.live) return;
    this.erase();
    this.paint(lines);
  }

  /** A status line in lines mode. */
  line(text: string): void {
    this.echo(logLine(text));
    this.out.write(`${text}\n`);
  }

  /** Leaves the last panel on screen and stops redrawing it. */
  freeze(): void {
    this.lastPanel = [];
    this.drawn = 0;
  }

  private erase(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  private paint(lines: string[]): void {
    this.lastPanel = lines;
    if (!this.live || lines.length === 0) return;
    const cols = this.out.columns && this.out.columns >= 20 ? this.out.columns : 120;
    this.out.write(lines.map((l) => fit(l, cols)).join('\n') + '\n');
    this.drawn = lines.length;
  }
}
