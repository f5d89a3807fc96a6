/**
 * Shared test tooling (issue #12): one place for the Redis prefix and cleanup, waiting, the
 * CloudEvent sink, a private redis-server and the child-process harness. Tests (functions/*,
 * simulator/*, scripts, eval, e2e, faults, reliability) and the benchmarks import it; production code never does.
 * Nothing here is a test file: Jest collects only `*.test.ts`.
 */
export * from './wait';
export * from './redis';
export * from './cloudevent-sink';
export * from './redis-server';
export * from './processes';
export * from './clips';
