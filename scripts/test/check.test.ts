import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { cycleReport, findCycles, importGraph, programImportGraph } from '../check-cycles';
import { formatTscDiagnostics, isPretty, tscDiagnostics } from '../check/diagnostics';
import { programOverride } from '../check/lint';
import { createProgramFromTsconfig, formatHost, sharedProgramProblem } from '../check/program';
import { formatSummary, parseSteps } from '../check/steps';

// lib es5 and no @types: the default lib (with the DOM) would cost ~1 CPU-s to parse per program
const OPTIONS = {
  noEmit: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  strict: true,
  module: 'nodenext',
  lib: ['es5'],
  types: [],
};

/** A tiny project on disk, so the real compiler API builds the program as tsc would. */
function project(files: Record<string, string>, options: object = OPTIONS): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
  dirs.push(dir);
  const all = { 'tsconfig.json': JSON.stringify({ compilerOptions: options, include: ['*.ts'] }), ...files };
  for (const [name, text] of Object.entries(all)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('the check step (scripts/check)', () => {
  it('runs every step unless steps are named, in a fixed order, and rejects an unknown one', () => {
    expect(parseSteps([])).toEqual(['typecheck', 'lint', 'cycles', 'browser', 'format']);
    expect(parseSteps(['format', 'lint'])).toEqual(['lint', 'format']);
    expect(() => parseSteps(['lint', '--fix'])).toThrow(/unknown check step\(s\): --fix/);
  });

  it('summarises every step, naming the failed ones', () => {
    expect(
      formatSummary([
        { step: 'typecheck', ok: true, detail: '0 diagnostics' },
        { step: 'format', ok: false, detail: 'exit 1' },
      ]),
    ).toBe('check: typecheck ok (0 diagnostics), format FAILED (exit 1)');
  });

  it('refuses a tsconfig without the options typescript-eslint forces (the two programs would differ)', () => {
    expect(sharedProgramProblem({ noEmit: true, noUnusedLocals: true, noUnusedParameters: true })).toBeUndefined();
    expect(sharedProgramProblem({ noEmit: true, noUnusedLocals: true })).toMatch(/"noUnusedParameters": true/);
    const dir = project({ 'a.ts': 'export const a = 1;\n' }, { noEmit: true });
    expect(() => createProgramFromTsconfig(path.join(dir, 'tsconfig.json'))).toThrow(/"noUnusedLocals": true/);
  });

  it('reports a type error as tsc does: file(line,col): error TS…, not pretty off a terminal', () => {
    const dir = project({ 'a.ts': 'export const a: number = "one";\n' });
    const program = createProgramFromTsconfig(path.join(dir, 'tsconfig.json'));
    const found = tscDiagnostics(program);
    expect(found.map((d) => d.code)).toEqual([2322]);
    const host = { ...formatHost(), getCurrentDirectory: () => dir };
    expect(formatTscDiagnostics(found, false, host)).toBe(
      "a.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.\n",
    );
    expect(formatTscDiagnostics(found, true, host)).toContain('\u001b[');
  });

  it('type-checks only a program that parses (syntax errors alone, as tsc)', () => {
    const dir = project({ 'a.ts': 'export const a = (;\n', 'b.ts': 'export const b: number = "two";\n' });
    const found = tscDiagnostics(createProgramFromTsconfig(path.join(dir, 'tsconfig.json')));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.file?.fileName.endsWith('a.ts'))).toBe(true);
  });

  it('prints pretty when the config says so, else on a terminal without NO_COLOR', () => {
    expect(isPretty({}, true, {})).toBe(true);
    expect(isPretty({}, true, { NO_COLOR: '1' })).toBe(false);
    expect(isPretty({}, false, {})).toBe(false);
    expect(isPretty({ pretty: true }, false, {})).toBe(true);
    expect(isPretty({ pretty: false }, true, {})).toBe(false);
  });

  it('gives the program to the TypeScript files only (the dashboard .js files are linted without types)', () => {
    const program = {} as ts.Program;
    const [override] = programOverride(program) as [{ files: string[]; languageOptions: unknown }];
    expect(override.files).toEqual(['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts']);
    expect(override.languageOptions).toEqual({ parserOptions: { programs: [program] } });
  });

  it("finds the same import graph in the program's files as in files parsed one by one", () => {
    const dir = project({
      'a.ts': "import { b } from './b';\nexport const a = (): number => b();\n",
      'b.ts': "import { a } from './a';\nimport type { C } from './c';\nexport const b = (): C => a();\n",
      'c.ts': 'export type C = number;\n',
    });
    const tsconfig = path.join(dir, 'tsconfig.json');
    const graph = programImportGraph(createProgramFromTsconfig(tsconfig));
    expect(graph).toEqual(importGraph(tsconfig));
    const cycles = findCycles(graph);
    expect(cycleReport(cycles, graph.size, dir)).toBe(
      'import cycle: a.ts → b.ts → a.ts\n1 import cycle(s); move the shared type or function to the module it belongs in.',
    );
    expect(cycleReport([], 3, dir)).toBe('no import cycles in 3 files');
  });
});
