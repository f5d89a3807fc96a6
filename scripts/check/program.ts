// One TypeScript program from tsconfig.json, for tsc's diagnostics and ESLint's typed rules alike (issue #22): both
// used to build and check it separately, `tsc --noEmit` in one process and typescript-eslint's `project` in another.
import path from 'node:path';
import ts from 'typescript';

/**
 * The options typescript-eslint forces onto every program it builds from a tsconfig (CORE_COMPILER_OPTIONS in
 * @typescript-eslint/tsconfig-utils, src/compilerOptions.ts). The program is only the one tsc builds if tsconfig.json
 * already sets them; otherwise tsc's diagnostics would change (noUnused*) or ESLint's would.
 */
export const ESLINT_CORE_OPTIONS = { noEmit: true, noUnusedLocals: true, noUnusedParameters: true } as const;

/** Why one program cannot serve both tsc and typescript-eslint with these options, or undefined if it can. Pure. */
export function sharedProgramProblem(options: ts.CompilerOptions): string | undefined {
  const missing = Object.entries(ESLINT_CORE_OPTIONS)
    .filter(([name, value]) => options[name] !== value)
    .map(([name, value]) => `"${name}": ${String(value)}`);
  return missing.length === 0
    ? undefined
    : `tsconfig.json must set ${missing.join(', ')}: typescript-eslint forces them onto its program, so tsc's ` +
        `diagnostics and ESLint's would come from different programs (scripts/check/program.ts)`;
}

/**
 * The program tsc builds for `tsc -p <tsconfig>` (the parsed config's root files, options, project references and
 * config diagnostics: `performCompilation` in TypeScript's src/compiler/executeCommandLine.ts), with the host
 * typescript-eslint gives the program it builds for `parserOptions.project` (`createProgramFromConfigFile`,
 * @typescript-eslint/typescript-estree src/create-program/useProvidedPrograms.ts: parent pointers set, all JSDoc
 * parsed, which some rules read). tsc parses only the JSDoc that can change a type error in a .ts file
 * (`jsDocParsingMode` ParseForTypeErrors, TypeScript 5.3 release notes, "Optimizations by Skipping JSDoc Parsing"),
 * so parsing all of it changes no diagnostic.
 */
export function createProgramFromTsconfig(tsconfigPath: string): ts.Program {
  let fatal: ts.Diagnostic | undefined;
  const config = ts.getParsedCommandLineOfConfigFile(path.resolve(tsconfigPath), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => (fatal = d),
  });
  if (!config || fatal) {
    const host = formatHost();
    throw new Error(fatal ? ts.formatDiagnostics([fatal], host) : `cannot read ${tsconfigPath}`);
  }
  const problem = sharedProgramProblem(config.options);
  if (problem) throw new Error(problem);
  const host = ts.createCompilerHost(config.options, true);
  return ts.createProgram({
    rootNames: config.fileNames,
    options: config.options,
    host,
    ...(config.projectReferences ? { projectReferences: config.projectReferences } : {}),
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
  });
}

/** The host tsc formats diagnostics with (paths relative to the working directory, the system's newline). */
export function formatHost(): ts.FormatDiagnosticsHost {
  return {
    getCurrentDirectory: () => ts.sys.getCurrentDirectory(),
    getNewLine: () => ts.sys.newLine,
    getCanonicalFileName: ts.sys.useCaseSensitiveFileNames ? (f) => f : (f) => f.toLowerCase(),
  };
}
