import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findCycles, formatCycle, importGraph } from '../check-cycles';

/** A tiny project on disk (tsconfig + files), so the real compiler API resolves the imports. */
function project(files: Record<string, string>): { dir: string; graph: ReturnType<typeof importGraph> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cycles-'));
  const all = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext' }, include: ['*.ts'] }),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) fs.writeFileSync(path.join(dir, name), text);
  return { dir, graph: importGraph(path.join(dir, 'tsconfig.json')) };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('import-cycle check (scripts/check-cycles.ts)', () => {
  it('finds a → b → a and prints it that way', () => {
    const { dir, graph } = project({
      'a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      'c.ts': "import { a } from './a';\nexport const c = a;\n",
    });
    dirs.push(dir);
    const cycles = findCycles(graph);
    expect(cycles.map((c) => formatCycle(c, dir))).toEqual(['a.ts → b.ts → a.ts']);
  });

  it('finds a cycle through a re-export and a side-effect import', () => {
    const { dir, graph } = project({
      'a.ts': "export * from './b';\n",
      'b.ts': "import './c';\nexport const b = 1;\n",
      'c.ts': "import './a';\n",
    });
    dirs.push(dir);
    expect(findCycles(graph).map((c) => formatCycle(c, dir))).toEqual(['a.ts → b.ts → c.ts → a.ts']);
  });

  it('passes a graph without cycles; type-only imports are no edges (TypeScript erases them)', () => {
    const { dir, graph } = project({
      'a.ts':
        "import type { B } from './b';\nimport { type C } from './c';\nexport const a = (x: B, y: C) => [x, y];\n",
      'b.ts': "import { a } from './a';\nexport type B = number;\nexport const b = a;\n",
      'c.ts': "export type { B } from './b';\nimport { a } from './a';\nexport type C = string;\nexport const c = a;\n",
    });
    dirs.push(dir);
    expect(graph.get(path.join(dir, 'a.ts'))).toEqual([]);
    expect(graph.get(path.join(dir, 'c.ts'))).toEqual([path.join(dir, 'a.ts')]);
    expect(findCycles(graph)).toEqual([]);
  });
});
