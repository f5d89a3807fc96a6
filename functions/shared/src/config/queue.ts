import { envVar, int, optional } from './define';

/** The reliable clip queue (`safety:clips`). */
export const queue = {
  maxLength: envVar('QUEUE_MAX_LENGTH', {
    schema: optional(int(1)),
    expected: 'an integer ≥ 1',
    doc: 'cap on pending jobs; when full the oldest is dropped (counted and logged, never silent); unset = no cap',
  }),
  maxAttempts: envVar('QUEUE_MAX_ATTEMPTS', {
    deprecatedNames: ['MAX_ATTEMPTS'],
    schema: int(1, 100),
    default: '3',
    expected: 'an integer 1–100',
    doc: 'claims before a job is dead-lettered',
  }),
  heartbeatTtlSeconds: envVar('QUEUE_HEARTBEAT_TTL_SECONDS', {
    deprecatedNames: ['HEARTBEAT_TTL_SECONDS'],
    schema: int(2, 3600),
    default: '30',
    expected: 'an integer number of seconds, 2–3600',
    doc: 'a consumer whose heartbeat is older than this is dead; the reaper returns its jobs',
  }),
  reaperIntervalSeconds: envVar('QUEUE_REAPER_INTERVAL_SECONDS', {
    deprecatedNames: ['REAPER_INTERVAL_SECONDS'],
    schema: int(1, 3600),
    default: '10',
    expected: 'an integer number of seconds',
    doc: 'how often consumers look for dead consumers',
  }),
  verdictsMaxLen: envVar('VERDICTS_MAXLEN', {
    schema: int(100),
    default: '100000',
    expected: 'an integer ≥ 100',
    doc: 'approximate cap of the `safety:verdicts` stream (MAXLEN ~)',
  }),
};
