/**
 * Test helper: reads back the filter graph that buildFilterGraph produced and evaluates which
 * boxes it draws at time t. It interprets the ffmpeg expression subset we emit (if, lt, gte,
 * mod, + - * /), so tests check the *string ffmpeg receives*, not our intermediate data.
 */
export interface DrawnBox {
  color: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

type Expr = (t: number) => number;

function compile(expr: string): Expr {
  if (!/^[0-9t+\-*/().,a-z ]*$/.test(expr)) throw new Error(`unexpected characters in expression: ${expr}`);
  const js = expr.replace(/\bif\(/g, 'IF(');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fn = new Function('t', 'IF', 'lt', 'gte', 'mod', `return (${js});`) as (
    t: number,
    IF: (c: number, a: number, b: number) => number,
    lt: (a: number, b: number) => number,
    gte: (a: number, b: number) => number,
    mod: (a: number, b: number) => number,
  ) => number;
  return (t) =>
    fn(
      t,
      (c, a, b) => (c ? a : b),
      (a, b) => (a < b ? 1 : 0),
      (a, b) => (a >= b ? 1 : 0),
      (a, b) => a - b * Math.floor(a / b),
    );
}

function params(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/(\w+)=('([^']*)'|[^:]*)/g)) out[m[1]!] = m[3] ?? m[2]!;
  return out;
}

export function parseGraph(graph: string): (t: number) => DrawnBox[] {
  const sources = new Map<string, { color: string; w: number; h: number }>();
  const steps: { color: string; w: number; h: number; x: Expr; y: Expr; enable: Expr }[] = [];
  for (const chain of graph.split(';\n')) {
    let m = /^color=(.*)\[(p\d+)\]$/.exec(chain);
    if (m) {
      const p = params(m[1]!);
      const [w, h] = p.s!.split('x').map(Number) as [number, number];
      sources.set(m[2]!, { color: p.c!, w, h });
      continue;
    }
    m = /^\[v\d+\]\[(p\d+)\]overlay=(.*)\[\w+\]$/.exec(chain);
    if (m) {
      const src = sources.get(m[1]!)!;
      const p = params(m[2]!);
      steps.push({ ...src, x: compile(p.x!), y: compile(p.y!), enable: compile(p.enable!) });
      continue;
    }
    m = /^\[v\d+\]drawbox=(.*)\[\w+\]$/.exec(chain);
    if (m) {
      const p = params(m[1]!);
      steps.push({
        color: p.color!,
        w: Number(p.w),
        h: Number(p.h),
        x: compile(p.x!),
        y: compile(p.y!),
        enable: compile(p.enable!),
      });
    }
  }
  return (t) =>
    steps
      .filter((s) => s.enable(t))
      .map((s) => ({ color: s.color, w: s.w, h: s.h, x: Math.round(s.x(t)), y: Math.round(s.y(t)) }));
}

export function inside(inner: DrawnBox, outer: readonly [number, number, number, number], tol = 2): boolean {
  const [x, y, w, h] = outer;
  return (
    inner.x >= x - tol && inner.y >= y - tol && inner.x + inner.w <= x + w + tol && inner.y + inner.h <= y + h + tol
  );
}
