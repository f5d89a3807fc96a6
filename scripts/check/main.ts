// `npm run check [step…]`: the check step of `npm test` (issue #22), every part unless steps are named (scripts/check/
// steps.ts lists them). tsc's typecheck, ESLint's typed rules and the import-cycle check share ONE program built from
// tsconfig.json: `tsc --noEmit` and typescript-eslint's `parserOptions.project` used to build and type-check it in
// two processes. The browser typecheck and Prettier run beside them as their own CLIs. Exit 1 if any step finds
// anything; every asked-for step runs to the end either way, so one run shows every finding.
import path from 'node:path';
import ts from 'typescript';
import { cycleReport, findCycles, programImportGraph } from '../check-cycles';
import { runNodeScript, type ChildRun } from './child';
import { formatTscDiagnostics, isPretty, tscDiagnostics } from './diagnostics';
import { lintWithProgram } from './lint';
import { createProgramFromTsconfig, formatHost } from './program';
import { formatSummary, parseSteps, plural, PROGRAM_STEPS, type Outcome, type Step } from './steps';

// npm runs scripts from the package root
const ROOT = process.cwd();
const TSCONFIG = path.join(ROOT, 'tsconfig.json');

/** The child-process steps, each a package's own CLI run the way package.json used to run it. */
const CHILD_STEPS: Partial<Record<Step, { script: string; args: string[] }>> = {
  browser: { script: require.resolve('typescript/bin/tsc'), args: ['-p', 'tsconfig.browser.json'] },
  format: { script: require.resolve('prettier/bin/prettier.cjs'), args: ['--check', '.'] },
};

/**
 * The child steps, all started at once. One after another, each next one would start only when this process's event
 * loop heard the last one end, and tsc's type check below keeps it busy for ~30 s without a break.
 */
function runChildren(steps: readonly Step[]): Promise<{ step: Step; run: ChildRun }[]> {
  return Promise.all(
    steps.flatMap((step) => {
      const cmd = CHILD_STEPS[step];
      return cmd ? [runNodeScript(cmd.script, cmd.args, ROOT).then((run) => ({ step, run }))] : [];
    }),
  );
}

/** The message of something thrown, with its stack when it has one. */
function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/** A step that throws (an ESLint config error, say) fails, and the others still run. */
async function attempt(step: Step, run: () => Outcome | Promise<Outcome>): Promise<Outcome> {
  try {
    return await run();
  } catch (e) {
    console.error(`${step}: ${describe(e)}`);
    return { step, ok: false, detail: 'did not run to the end' };
  }
}

function typecheck(program: ts.Program): Outcome {
  const diagnostics = tscDiagnostics(program);
  const pretty = isPretty(program.getCompilerOptions(), process.stdout.isTTY === true, process.env);
  if (diagnostics.length > 0) process.stdout.write(formatTscDiagnostics(diagnostics, pretty, formatHost()));
  const files = program.getRootFileNames().length;
  return {
    step: 'typecheck',
    ok: diagnostics.length === 0,
    detail: `${plural(diagnostics.length, 'diagnostic')}, ${files} files`,
  };
}

async function lint(program: ts.Program): Promise<Outcome> {
  const run = await lintWithProgram(program, ROOT);
  if (run.output) console.log(run.output);
  const detail = `${plural(run.errorCount, 'error')}, ${plural(run.warningCount, 'warning')}, ${run.files} files`;
  return { step: 'lint', ok: run.errorCount === 0, detail };
}

function cycles(program: ts.Program): Outcome {
  const graph = programImportGraph(program);
  const found = findCycles(graph);
  const report = cycleReport(found, graph.size, ROOT);
  if (found.length > 0) console.error(report);
  else console.log(report);
  return { step: 'cycles', ok: found.length === 0, detail: plural(found.length, 'cycle') };
}

async function main(argv: readonly string[]): Promise<void> {
  let steps: Step[];
  try {
    steps = parseSteps(argv);
  } catch (e) {
    // a usage error: the message lists the steps, a stack would only bury it
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 2;
    return;
  }
  const children = runChildren(steps);
  const outcomes: Outcome[] = [];
  const programSteps = steps.filter((s) => PROGRAM_STEPS.includes(s));
  let program: ts.Program | undefined;
  try {
    if (programSteps.length > 0) program = createProgramFromTsconfig(TSCONFIG);
  } catch (e) {
    console.error(`tsconfig.json: ${describe(e)}`);
    outcomes.push(...programSteps.map((step) => ({ step, ok: false, detail: 'no program from tsconfig.json' })));
  }
  if (program) {
    const p = program;
    // tsc's checks first: the type checker then does its work once, and ESLint's typed rules read its caches
    if (steps.includes('typecheck')) outcomes.push(await attempt('typecheck', () => typecheck(p)));
    if (steps.includes('lint')) outcomes.push(await attempt('lint', () => lint(p)));
    if (steps.includes('cycles')) outcomes.push(await attempt('cycles', () => cycles(p)));
  }
  for (const { step, run } of await children) {
    if (run.output) process.stdout.write(run.output);
    outcomes.push({ step, ok: run.exitCode === 0, detail: `exit ${run.exitCode}` });
  }
  const summary = formatSummary(outcomes);
  if (outcomes.every((o) => o.ok)) console.log(summary);
  else {
    console.error(summary);
    process.exitCode = 1;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(describe(e));
  process.exitCode = 2;
});
