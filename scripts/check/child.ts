// The check steps that need no program (tsconfig.browser.json's tsc, Prettier) run as their own CLIs in a child
// process, beside the in-process steps: a second core does them when one is free, as `npm run check` always has.
// Folding them into this process would save only their start-up, ~0.3 CPU-s each (measured, BENCHMARKS.md "Test
// suite timing"), and the browser program shares no parsed file with tsconfig.json's (other module settings).
import { spawn } from 'node:child_process';

export interface ChildRun {
  /** stdout and stderr as they came, printed in one piece when the child is done so that outputs do not mix */
  output: string;
  exitCode: number;
}

/** Runs a package's bin script with this Node (no shell, no PATH lookup), collecting its output. */
export function runNodeScript(script: string, args: readonly string[], cwd: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ output: Buffer.concat(chunks).toString('utf8'), exitCode: code ?? (signal ? 128 : 1) }),
    );
  });
}
