import { jobStart } from '../src/core/job-start';

describe("a job's start", () => {
  const rel = 'cam1/20261207T020000Z.mp4';
  it('keeps our own recorder’s start to the millisecond when it is near the stamp (also a bumped one)', () => {
    expect(jobStart(rel, '2026-12-07T02:00:00.640Z', 'recorder').toISOString()).toBe('2026-12-07T02:00:00.640Z');
    expect(jobStart(rel, '2026-12-07T01:59:59.700Z', 'recorder').toISOString()).toBe('2026-12-07T01:59:59.700Z');
  });
  it('takes the stamp from anyone else, and from a recorder start far from it', () => {
    expect(jobStart(rel, '2026-12-07T02:00:00.640Z', 'external').toISOString()).toBe('2026-12-07T02:00:00.000Z');
    expect(jobStart(rel, '2030-01-01T00:00:00.000Z', 'recorder').toISOString()).toBe('2026-12-07T02:00:00.000Z');
  });
  it('takes what the sender says for a file without a stamp', () => {
    expect(jobStart('cam1/export-1.mp4', '2026-12-07T02:00:00.640Z', 'external').toISOString()).toBe(
      '2026-12-07T02:00:00.640Z',
    );
  });
});
