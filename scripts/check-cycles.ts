// Import-cycle check (issue #12): every .ts file of a tsconfig, its runtime imports resolved the way tsc resolves
// them, each cycle printed as a → b → a; exit 1 if there is one. `import type` (and imports whose every name is
// `type`) are left out: TypeScript erases them, so they cannot form a cycle at runtime
// (https://www.typescriptlang.org/docs/handbook/release-notes/typescript-3-8.html#type-only-imports-and-export).
import path from 'node:path';
import ts from 'typescript';

/** file → the project files it imports at runtime. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** Whether an import or re-export survives compilation (is not type-only). */
function isRuntimeEdge(node: ts.Statement): node is ts.ImportDeclaration | ts.ExportDeclaration {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (!clause) return true; // `import './x'` runs x
    if (clause.isTypeOnly) return false;
    if (clause.name) return true;
    const b = clause.namedBindings;
    if (!b || ts.isNamespaceImport(b)) return true;
    return b.elements.length === 0 || b.elements.some((e) => !e.isTypeOnly);
  }
  if (ts.isExportDeclaration(node)) {
    if (!node.moduleSpecifier || node.isTypeOnly) return false;
    const c = node.exportClause;
    return !c || !ts.isNamedExports(c) || c.elements.length === 0 || c.elements.some((e) => !e.isTypeOnly);
  }
  return false;
}

/**
 * The runtime import graph of `files`, each read through `sourceOf` and its imports resolved with `options` the way
 * tsc resolves them (only edges between the given files).
 */
export function importGraphOf(
  files: readonly string[],
  sourceOf: (file: string) => ts.SourceFile,
  options: ts.CompilerOptions,
): ImportGraph {
  const inProject = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const deps = new Set<string>();
    for (const st of sourceOf(file).statements) {
      if (!isRuntimeEdge(st) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const r = ts.resolveModuleName(st.moduleSpecifier.text, file, options, ts.sys).resolvedModule;
      const target = r && !r.isExternalLibraryImport ? path.resolve(r.resolvedFileName) : undefined;
      if (target && inProject.has(target)) deps.add(target);
    }
    graph.set(file, [...deps].sort());
  }
  return graph;
}

/** The project's own .ts files (not .d.ts), as absolute paths. */
function projectFiles(fileNames: readonly string[]): string[] {
  return fileNames.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => path.resolve(f));
}

/** The runtime import graph of the project a tsconfig describes, each file parsed on its own. */
export function importGraph(tsconfigPath: string): ImportGraph {
  const read = ts.readConfigFile(tsconfigPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfigPath));
  const parse = (file: string): ts.SourceFile =>
    ts.createSourceFile(file, ts.sys.readFile(file) ?? '', ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return importGraphOf(projectFiles(parsed.fileNames), parse, parsed.options);
}

/**
 * The same graph from a program already built from that tsconfig (scripts/check/main.ts): its parsed files are
 * reused: 0.3 CPU-s for the graph instead of 1.3 for parsing every file again, and no process of its own (the
 * standalone check took ~5 CPU-s with tsx and TypeScript's start-up; measured on this repo, issue #22).
 */
export function programImportGraph(program: ts.Program): ImportGraph {
  const sourceOf = (file: string): ts.SourceFile => {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} is a root file of the program but has no source file in it`);
    return source;
  };
  return importGraphOf(projectFiles(program.getRootFileNames()), sourceOf, program.getCompilerOptions());
}

/**
 * Every elementary cycle reached by a depth-first walk, each once (rotated to start at its smallest file),
 * as [a, b, …, a]. Pure: the graph in, the cycles out.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const seen = new Set<string>();
  const found = new Map<string, string[]>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (n: string): void => {
    seen.add(n);
    stack.push(n);
    onStack.add(n);
    for (const d of graph.get(n) ?? []) {
      if (onStack.has(d)) {
        const loop = stack.slice(stack.indexOf(d));
        const first = loop.indexOf([...loop].sort()[0]!);
        const rotated = [...loop.slice(first), ...loop.slice(0, first)];
        found.set(rotated.join('\0'), [...rotated, rotated[0]!]);
      } else if (!seen.has(d)) visit(d);
    }
    stack.pop();
    onStack.delete(n);
  };
  for (const n of [...graph.keys()].sort()) if (!seen.has(n)) visit(n);
  return [...found.values()];
}

/** `a → b → a`, paths relative to root. */
export function formatCycle(cycle: readonly string[], root: string): string {
  return cycle.map((f) => path.relative(root, f)).join(' → ');
}

/** What the check prints: each cycle, then the count and the fix; or that there is none. Pure. */
export function cycleReport(cycles: readonly (readonly string[])[], files: number, root: string): string {
  if (cycles.length === 0) return `no import cycles in ${files} files`;
  const lines = cycles.map((c) => `import cycle: ${formatCycle(c, root)}`);
  lines.push(`${cycles.length} import cycle(s); move the shared type or function to the module it belongs in.`);
  return lines.join('\n');
}

if (require.main === module) {
  const tsconfig = path.resolve(process.argv[2] ?? 'tsconfig.json');
  const graph = importGraph(tsconfig);
  const cycles = findCycles(graph);
  const report = cycleReport(cycles, graph.size, path.dirname(tsconfig));
  if (cycles.length) {
    console.error(report);
    process.exit(1);
  }
  console.log(report);
}
