import { buildRecorderCommand, cameraUrl, recorderArgv } from '../src/core/recorder-args';

describe('buildRecorderCommand', () => {
  const cmd = buildRecorderCommand({
    url: 'rtsp://cams:8554/cam3',
    transport: 'udp',
    timeoutSeconds: 5,
    segmentSeconds: 5,
    listFile: '/clips/.staging/cam3/r1/list.csv',
    runDir: '/clips/.staging/cam3/r1',
  });
  const argv = recorderArgv(cmd);
  const after = (flag: string) => argv[argv.indexOf(flag) + 1];

  it('stream-copies video only into the segment muxer (never re-encodes)', () => {
    expect(after('-map')).toBe('0:v');
    expect(after('-c')).toBe('copy');
    expect(argv).not.toContain('libx264');
    expect(after('-f')).toBe('segment');
    expect(after('-segment_format')).toBe('mp4');
  });

  it('puts input options before -i and the timeout in microseconds', () => {
    const i = argv.indexOf('-i');
    expect(argv[i + 1]).toBe('rtsp://cams:8554/cam3');
    expect(argv.indexOf('-rtsp_transport')).toBeLessThan(i);
    expect(after('-rtsp_transport')).toBe('udp');
    expect(argv.indexOf('-timeout')).toBeLessThan(i);
    expect(after('-timeout')).toBe('5000000');
    expect(argv).not.toContain('-stimeout');
  });

  it('cuts SEGMENT_SECONDS clips with reset timestamps and a CSV list', () => {
    expect(after('-segment_time')).toBe('5');
    expect(after('-reset_timestamps')).toBe('1');
    expect(after('-strftime')).toBe('1');
    expect(after('-segment_list')).toBe('/clips/.staging/cam3/r1/list.csv');
    expect(after('-segment_list_type')).toBe('csv');
    expect(argv).not.toContain('-break_non_keyframes');
  });

  it('names staging files by epoch seconds and ends with the output pattern', () => {
    expect(argv.at(-1)).toBe('/clips/.staging/cam3/r1/seg-%s.mp4');
  });

  it('honours tcp and other segment lengths', () => {
    const a = recorderArgv(
      buildRecorderCommand({
        url: 'rtsp://x/cam1',
        transport: 'tcp',
        timeoutSeconds: 2,
        segmentSeconds: 10,
        listFile: 'l',
        runDir: 'd',
      }),
    );
    expect(a[a.indexOf('-rtsp_transport') + 1]).toBe('tcp');
    expect(a[a.indexOf('-timeout') + 1]).toBe('2000000');
    expect(a[a.indexOf('-segment_time') + 1]).toBe('10');
  });

  it('fills {N} in RTSP_URL_TEMPLATE', () => {
    expect(cameraUrl('rtsp://h:8554/cam{N}', 7)).toBe('rtsp://h:8554/cam7');
  });
});
