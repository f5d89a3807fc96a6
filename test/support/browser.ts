import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless flags for tests: no sandbox (we run as a user without one in CI), and nothing that
 * reaches the network behind the page's back (updates, sync, first-run pages).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

let found: string | undefined;

/** The system chromium on PATH (Debian's; never a downloaded browser: no `playwright install`). */
export function chromiumPath(): string {
  found ??= execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  return found;
}

/**
 * The one way tests and tools start a browser: playwright-core driving the system chromium
 * (`executablePath`, https://playwright.dev/docs/api/class-browsertype#browser-type-launch).
 * Kept out of `test/support/index.ts` so tests without a browser do not load playwright.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
}
