/**
 * How a Node child process of ours loads TypeScript. The images and `npm start` run tsx (a production
 * dependency). The test suite names a faster require hook in SAFETY_HANTA_TS_HOOK
 * (test/support/swc-register.cjs: @swc/core, the transform Jest itself uses), and every part, server
 * child and worker thread started under it inherits the hook through its environment. tsx starts a
 * part in ≈ 2.4 CPU-s on this 2-core machine kind and the hook in ≈ 1.2 (BENCHMARKS.md, "Test suite"):
 * the suite starts well over a hundred parts.
 */
export const TS_HOOK_ENV = 'SAFETY_HANTA_TS_HOOK';

/** Node flags that make a child run a `.ts` entry: `--require <hook>` when the hook is set, else tsx. */
export function tsLoaderArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const hook = env[TS_HOOK_ENV];
  return hook ? ['--require', hook] : ['--import', 'tsx'];
}

/** The hook variable to pass on to a child whose environment is built from scratch. */
export function tsLoaderEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const hook = env[TS_HOOK_ENV];
  return hook ? { [TS_HOOK_ENV]: hook } : {};
}
