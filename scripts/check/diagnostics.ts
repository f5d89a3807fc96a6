// tsc's diagnostics for a program, collected and printed the way `tsc --noEmit` does, so `npm run check` reads like
// `npm run typecheck`. TypeScript does not export tsc's own reporter; the order below follows
// `emitFilesAndReportErrors` (src/compiler/watch.ts) and `createDiagnosticReporter` (same file).
import ts from 'typescript';

/**
 * The diagnostics tsc reports: the config's, then syntax errors; only a program that parses gets its options' and
 * global diagnostics, and only one with none of those is type-checked (semantic diagnostics). Sorted and
 * de-duplicated as tsc does. With `noEmit`, emitting adds nothing. tsc exits non-zero when this is not empty, whatever
 * the categories (`emitFilesAndReportErrorsAndGetExitStatus`, same file).
 */
export function tscDiagnostics(program: ts.Program): readonly ts.Diagnostic[] {
  const found = [...program.getConfigFileParsingDiagnostics()];
  const configCount = found.length;
  found.push(...program.getSyntacticDiagnostics());
  if (found.length === configCount) {
    found.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
    if (found.length === configCount) found.push(...program.getSemanticDiagnostics());
  }
  return ts.sortAndDeduplicateDiagnostics(found);
}

/**
 * Whether tsc would print in colour with source context: `--pretty` when the config sets it, else when stdout is a
 * terminal and NO_COLOR is unset (`shouldBePretty`/`defaultIsPretty`, src/compiler/executeCommandLine.ts).
 */
export function isPretty(options: ts.CompilerOptions, stdoutIsTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  const set = options['pretty'];
  return typeof set === 'boolean' ? set : stdoutIsTTY && !env['NO_COLOR'];
}

/** The text tsc writes for these diagnostics: one `file(line,col): error TS…` line each, or tsc's pretty form. */
export function formatTscDiagnostics(
  diagnostics: readonly ts.Diagnostic[],
  pretty: boolean,
  host: ts.FormatDiagnosticsHost,
): string {
  if (!pretty) return ts.formatDiagnostics(diagnostics, host);
  return diagnostics.map((d) => ts.formatDiagnosticsWithColorAndContext([d], host) + host.getNewLine()).join('');
}
