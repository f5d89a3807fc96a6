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
    // HEVC evidence tagged hvc1 (Safari plays nothing else); H.264 keeps avc1 (issue #26.4)
    expect(after('-tag:v')).toBe('hvc1');
    expect(argv).not.toContain('libx264');
    expect(cmd.outputOptions[cmd.outputOptions.indexOf('-f') + 1]).toBe('segment');
    expect(after('-segment_format')).toBe('mp4');
  });

  it('pins the RTSP demuxer and its protocols, and never sets audio up (issue #26.8, probe finding 16)', () => {
    const input = cmd.inputOptions;
    expect(input[input.indexOf('-f') + 1]).toBe('rtsp');
    expect(input[input.indexOf('-protocol_whitelist') + 1]).toBe('tcp,udp,rtp,tls');
    expect(input[input.indexOf('-allowed_media_types') + 1]).toBe('video');
    expect(input[input.indexOf('-rtsp_transport') + 1]).toBe('udp');
    const auto = buildRecorderCommand({
      url: 'rtsp://cams:8554/cam3',
      transport: 'auto',
      timeoutSeconds: 5,
      segmentSeconds: 5,
      listFile: '/l.csv',
      runDir: '/r',
    });
    // auto: ffmpeg's own order, UDP then TCP after a 461
    expect(auto.inputOptions).not.toContain('-rtsp_transport');
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
    // every packet on disk at once: a killed recorder's open segment can be rebuilt (open-segment.ts)
    expect(after('-segment_format_options')).toBe('flush_packets=1');
    // numbered names, never strftime: two segments opened in one second must not share a name (issue #26.5)
    expect(argv.slice(0, argv.indexOf('/clips/.staging/cam3/r1/seg-%06d.mp4'))).not.toContain('-strftime');
    expect(after('-segment_list')).toBe('/clips/.staging/cam3/r1/list.csv');
    expect(after('-segment_list_type')).toBe('csv');
    expect(argv).not.toContain('-break_non_keyframes');
  });

  it('numbers staging files and ends with the output pattern', () => {
    expect(argv.at(-1)).toBe('/clips/.staging/cam3/r1/seg-%06d.mp4');
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

describe('buildRecorderCommand with the model clip (issue #13)', () => {
  const base = {
    url: 'rtsp://cams:8554/cam3',
    transport: 'udp' as const,
    timeoutSeconds: 5,
    segmentSeconds: 5,
    listFile: '/c/.staging/cam3/r1/list.csv',
    runDir: '/c/.staging/cam3/r1',
  };
  const model = {
    sampling: 'fps' as const,
    fps: 2,
    maxSide: 448,
    modelListFile: '/c/.staging/cam3/r1/model.csv',
    thumbsListFile: '/c/.staging/cam3/r1/thumbs.csv',
  };
  const outputs = (argv: string[]) => argv.filter((a) => a.startsWith('/c/.staging/cam3/r1/') && a.includes('%'));

  it('keeps the evidence output a stream copy and adds the model and thumbnail outputs in the same process', () => {
    const argv = recorderArgv(buildRecorderCommand({ ...base, model }));
    expect(outputs(argv)).toEqual([
      '/c/.staging/cam3/r1/seg-%06d.mp4',
      '/c/.staging/cam3/r1/model-%06d.mp4',
      '/c/.staging/cam3/r1/thumbs-%06d.gray',
    ]);
    const evidence = argv.slice(argv.indexOf('-y'), argv.indexOf('/c/.staging/cam3/r1/seg-%06d.mp4'));
    expect(evidence).toEqual(expect.arrayContaining(['-map', '0:v', '-c', 'copy']));
    expect(evidence).not.toContain('libx264');
    // the evidence may be cut one model frame early (a keyframe just before the grid), the model never
    expect(evidence[evidence.indexOf('-segment_time_delta') + 1]).toBe('0.5');
    const m = argv.slice(
      argv.indexOf('/c/.staging/cam3/r1/seg-%06d.mp4'),
      argv.indexOf('/c/.staging/cam3/r1/model-%06d.mp4'),
    );
    const after = (flag: string) => m[m.indexOf(flag) + 1];
    expect(after('-map')).toBe('[mv]');
    expect(after('-c:v')).toBe('libx264');
    expect(after('-pix_fmt')).toBe('yuv420p');
    expect(after('-r')).toBe('2');
    expect(after('-bf')).toBe('0');
    expect(after('-force_key_frames')).toBe('expr:gte(t,n_forced*5)');
    expect(after('-sc_threshold')).toBe('0');
    expect(after('-segment_time')).toBe('5');
    expect(m).not.toContain('-segment_time_delta');
    expect(after('-segment_format_options')).toBe('movflags=+faststart');
    expect(after('-segment_list')).toBe('/c/.staging/cam3/r1/model.csv');
    const graph = argv[argv.indexOf('-filter_complex') + 1]!;
    // one clock with the evidence: no timestamp shift, the sampled stream starts at 0
    expect(graph).toMatch(/^\[0:v:0\]fps=2:start_time=0,scale=/);
    expect(graph).not.toContain('setpts');
    expect(graph).toContain('min(448,iw)');
    expect(graph).toContain('scale=32:18,format=gray[mthumb]');
    expect(graph).not.toContain('overlay');
    const t = argv.slice(argv.indexOf('/c/.staging/cam3/r1/model-%06d.mp4'));
    expect(t[t.indexOf('-map') + 1]).toBe('[mthumb]');
    expect(t[t.indexOf('-segment_format') + 1]).toBe('rawvideo');
    expect(argv).not.toContain('-skip_frame');
  });

  it('draws the zone overlay (second input) into the model clip only', () => {
    const argv = recorderArgv(buildRecorderCommand({ ...base, model: { ...model, overlayFile: '/c/.zones/ab.png' } }));
    const inputs = argv.flatMap((a, i) => (a === '-i' ? [argv[i + 1]] : []));
    expect(inputs).toEqual(['rtsp://cams:8554/cam3', '/c/.zones/ab.png']);
    const graph = argv[argv.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('[1:v][mv0]scale2ref');
    expect(graph).toContain('overlay=format=auto[mz];[mz]split[mv][mt]');
  });

  it('keyframes sampling decodes keyframes only (decoder option: the copy still gets every packet)', () => {
    const argv = recorderArgv(buildRecorderCommand({ ...base, model: { ...model, sampling: 'keyframes' } }));
    expect(argv.indexOf('-skip_frame')).toBeLessThan(argv.indexOf('-i'));
    expect(argv[argv.indexOf('-skip_frame') + 1]).toBe('nokey');
    expect(argv[argv.indexOf('-filter_complex') + 1]).toContain('fps=1:start_time=0:eof_action=pass');
    const evidence = argv.slice(0, argv.indexOf('/c/.staging/cam3/r1/seg-%06d.mp4'));
    expect(evidence[evidence.indexOf('-segment_time_delta') + 1]).toBe('1');
    expect(argv[argv.indexOf('-r') + 1]).toBe('1');
  });

  it('without model: one output, no filter graph', () => {
    const argv = recorderArgv(buildRecorderCommand(base));
    expect(outputs(argv)).toEqual(['/c/.staging/cam3/r1/seg-%06d.mp4']);
    expect(argv).not.toContain('-filter_complex');
    expect(argv).not.toContain('-segment_time_delta');
  });
});
