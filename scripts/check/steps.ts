// The check step's parts (`npm run check`, scripts/check/main.ts) and which of them a command line asks for. Pure.

/** In-process steps share one TypeScript program built from tsconfig.json; the others run as child processes. */
export const STEPS = {
  typecheck: "tsc --noEmit -p tsconfig.json: the program's diagnostics, printed as tsc prints them",
  lint: 'ESLint (eslint.config.mjs) with typescript-eslint reusing that program',
  cycles: "runtime import cycles between the program's files (scripts/check-cycles.ts)",
  browser: "tsc -p tsconfig.browser.json: the dashboard's browser modules against the DOM",
  format: 'prettier --check .',
} as const;

export type Step = keyof typeof STEPS;

/** Steps that need the program from tsconfig.json. */
export const PROGRAM_STEPS: readonly Step[] = ['typecheck', 'lint', 'cycles'];

function isStep(name: string): name is Step {
  return Object.hasOwn(STEPS, name);
}

/** The steps named on the command line, in STEPS order; none named means all. Throws on an unknown name. */
export function parseSteps(argv: readonly string[]): Step[] {
  const unknown = argv.filter((a) => !isStep(a));
  if (unknown.length > 0) {
    const known = Object.entries(STEPS).map(([name, what]) => `  ${name}: ${what}`);
    throw new Error(`unknown check step(s): ${unknown.join(' ')}; the steps are:\n${known.join('\n')}`);
  }
  const asked = new Set(argv);
  return (Object.keys(STEPS) as Step[]).filter((s) => asked.size === 0 || asked.has(s));
}

/** One step's result: what it found, for the closing summary line. */
export interface Outcome {
  step: Step;
  ok: boolean;
  /** e.g. "0 errors in 641 files", "exit 1" */
  detail: string;
}

/** `check: typecheck ok (…), lint FAILED (…), …`: every step that ran, so a red run says which part failed. */
export function formatSummary(outcomes: readonly Outcome[]): string {
  const parts = outcomes.map((o) => `${o.step} ${o.ok ? 'ok' : 'FAILED'} (${o.detail})`);
  return `check: ${parts.join(', ')}`;
}

/** `error` or `errors`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
