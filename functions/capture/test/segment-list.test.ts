import { parseSegmentLine, segmentStart, splitSegmentChunk } from '../src/core/segment-list';

describe('segment list CSV', () => {
  it('parses ffmpeg lines', () => {
    expect(parseSegmentLine('seg-1764362400.mp4,0.000000,5.600000')).toEqual({
      file: 'seg-1764362400.mp4',
      start: 0,
      end: 5.6,
    });
    expect(parseSegmentLine('"we,ird ""name"".mp4",5.6,10.6')).toEqual({
      file: 'we,ird "name".mp4',
      start: 5.6,
      end: 10.6,
    });
  });

  it.each(['', 'seg.mp4,1', 'seg.mp4,abc,2', 'seg.mp4,5,4', ',1,2'])('refuses %p', (line) => {
    expect(parseSegmentLine(line)).toBeUndefined();
  });

  it('keeps a partial last line for the next chunk', () => {
    const a = splitSegmentChunk('', 'seg-1.mp4,0,5\nseg-2.mp4,5,1');
    expect(a.entries.map((e) => e.file)).toEqual(['seg-1.mp4']);
    expect(a.rest).toBe('seg-2.mp4,5,1');
    const b = splitSegmentChunk(a.rest, '0\n');
    expect(b.entries).toEqual([{ file: 'seg-2.mp4', start: 5, end: 10 }]);
    expect(b.rest).toBe('');
  });

  it('reports bad lines instead of dropping them silently', () => {
    expect(splitSegmentChunk('', 'garbage\nseg-1.mp4,0,5\n')).toMatchObject({
      bad: ['garbage'],
      entries: [{ file: 'seg-1.mp4' }],
    });
  });

  it('reads the wall-clock start from the %s file name', () => {
    expect(segmentStart('seg-1764362400.mp4')?.toISOString()).toBe('2025-11-28T20:40:00.000Z');
    expect(segmentStart('other.mp4')).toBeUndefined();
  });
});
