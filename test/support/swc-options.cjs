// One set of @swc/core options for TypeScript in tests: Jest's transform (jest.config.js) and the require
// hook that test-started child processes run under (swc-register.cjs). They mirror tsconfig.json:
// TypeScript syntax, ES2022 output, and define-semantics class fields (tsc's default for target >= ES2022,
// `useDefineForClassFields`). swc strips types without checking them; the typecheck is its own step of
// `npm test`.
module.exports = {
  jsc: {
    parser: { syntax: 'typescript' },
    target: 'es2022',
    transform: { useDefineForClassFields: true },
  },
};
