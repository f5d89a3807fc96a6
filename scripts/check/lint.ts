// ESLint through its Node API (https://eslint.org/docs/latest/integrate/nodejs-api), as `eslint .` runs it, but with
// typescript-eslint's typed rules reading the program the typecheck already built and checked.
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import type ts from 'typescript';

/**
 * Config appended after eslint.config.mjs (`overrideConfig`, which the Node API applies last): the TypeScript files
 * get `parserOptions.programs`, which "will override any programs that would have been computed from
 * parserOptions.project. All linted files must be part of the provided program(s)"
 * (https://typescript-eslint.io/packages/parser#programs) — the same condition `project` sets, so a .ts file outside
 * tsconfig.json fails either way. Only .ts files: the dashboard's .js files are linted without type information
 * (`disableTypeChecked` in eslint.config.mjs), and a program given to them would be searched for them and fail. Pure.
 */
export function programOverride(program: ts.Program): ESLint.Options['overrideConfig'] {
  return [
    {
      files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
      languageOptions: { parserOptions: { programs: [program] } },
    },
  ];
}

export interface LintRun {
  /** the stylish formatter's text, as `eslint .` prints it (empty when nothing was found) */
  output: string;
  errorCount: number;
  warningCount: number;
  files: number;
}

/**
 * `eslint .` in `cwd` with the given program. Exit status as the CLI's: an error fails it, warnings do not
 * (https://eslint.org/docs/latest/use/command-line-interface#exit-codes; no --max-warnings here or in package.json).
 */
export async function lintWithProgram(program: ts.Program, cwd: string): Promise<LintRun> {
  // The CLI applies bulk suppressions from this file when it exists
  // (https://eslint.org/docs/latest/use/suppressions); the Node API does not, so refuse rather than disagree.
  if (fs.existsSync(path.join(cwd, 'eslint-suppressions.json')))
    throw new Error('eslint-suppressions.json exists: scripts/check/lint.ts does not apply ESLint suppressions yet');
  const eslint = new ESLint({ cwd, overrideConfig: programOverride(program) });
  const results = await eslint.lintFiles(['.']);
  const formatter = await eslint.loadFormatter('stylish');
  return {
    output: await formatter.format(results),
    errorCount: results.reduce((n, r) => n + r.errorCount, 0),
    warningCount: results.reduce((n, r) => n + r.warningCount, 0),
    files: results.length,
  };
}
