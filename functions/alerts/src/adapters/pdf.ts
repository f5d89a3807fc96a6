import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * HTML → PDF with headless Chromium's `--print-to-pdf` (Chrome for Developers, "Chrome Headless mode":
 * `chrome --headless --print-to-pdf file.html`). The simplest honest route: no new dependency, the
 * browser the dashboard tests already use, and real CSS/Korean font rendering. The HTML is written to a
 * private temp dir and loaded as a file; it references nothing outside it (CSS and thumbnails inlined).
 * @throws when chromium is missing or fails (the route answers 503).
 */
export async function htmlToPdf(html: string, chromium: string, timeoutMs = 60_000): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sh-report-'));
  try {
    const input = path.join(dir, 'report.html');
    const output = path.join(dir, 'report.pdf');
    await fs.writeFile(input, html, { mode: 0o600 });
    await run(
      chromium,
      [
        '--headless',
        '--no-sandbox', // containers run it without user namespaces; the input is our own HTML
        '--disable-gpu',
        '--no-pdf-header-footer',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        `--print-to-pdf=${output}`,
        `file://${input}`,
      ],
      { timeout: timeoutMs, killSignal: 'SIGKILL' },
    );
    return await fs.readFile(output);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
