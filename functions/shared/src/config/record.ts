import { z } from 'zod';
import { envVar, int, optional, url } from './define';

/** Variables of the system of record (issue #25, docs/records.md), read by the alerts function. */
export const record = {
  databaseUrl: envVar('DATABASE_URL', {
    schema: optional(url(['postgres', 'postgresql'])),
    expected: 'a postgres:// or postgresql:// URL',
    doc: 'the system of record on PostgreSQL (from a Secret in the cluster); unset = embedded PGlite in RECORD_DIR',
  }),
  recordDir: envVar('RECORD_DIR', {
    schema: z.string().min(1),
    default: '.safety-hanta/record',
    expected: 'a directory path, `memory` or `off`',
    doc: 'PGlite data directory when DATABASE_URL is unset (`memory` = nothing kept on disk; `off` = no record at all, history from Redis only: for tests of other parts, not for a plant)',
  }),
  retentionDays: envVar('RECORD_RETENTION_DAYS', {
    schema: int(1826, 36500),
    default: '1826',
    expected: 'an integer number of days ≥ 1826 (5 years)',
    doc: 'incidents (with their actions and transitions) and audit entries older than this are deleted by the retention job, unless on legal hold (중대재해처벌법 시행령 제13조: 5 years)',
  }),
  retentionIntervalMs: envVar('RECORD_RETENTION_INTERVAL_MS', {
    schema: int(0, 86_400_000),
    default: '3600000',
    expected: 'milliseconds, 0–86400000 (0 = never)',
    doc: 'how often the record retention job runs (one replica at a time, under an advisory lock)',
  }),
  reportUtcOffset: envVar('RECORD_REPORT_UTC_OFFSET', {
    schema: z.string().regex(/^[+-]\d{2}:\d{2}$/),
    default: '+09:00',
    expected: 'a UTC offset, ±HH:MM',
    doc: 'the plant’s local time for reports: a day, a shift (day 06–18, night 18–06) and the hour heatmap are local (default KST)',
  }),
};
