import { eventTypeOf, ALERTS_TRIGGERS } from '../stack/broker';
import { renderLine, renderPanel, renderSummary, formatDuration, type PanelModel } from '../stack/panel';
import { planParts, withPort, type PlanInput } from '../stack/plan';
import { HEALTHY_RUN_MS, restartsAfterRun } from '../stack/part';
import { checkAlreadyRunning, checkFfmpeg, checkNode, checkPorts, checkRedis, formatIssues } from '../stack/preflight';
import { cameraOnline, RateMeter, verdictStatusOf } from '../stack/status';
import { fit, Terminal, visibleWidth } from '../stack/terminal';

const ports = {
  dashboard: 8080,
  capture: 40001,
  inference: 40002,
  vllmSim: 40003,
  rtspClient: 40004,
  rtspPublish: 40005,
  rtspControl: 40006,
  rtpStart: 3000,
  rtpCount: 64,
};
const input: PlanInput = {
  env: { PATH: '/usr/bin', NUM_STREAMS: '10', UNSET: undefined },
  redisUrl: 'redis://127.0.0.1:7000',
  clipsDir: '/data/clips',
  rtspUrlTemplate: 'rtsp://127.0.0.1:8554/cam{N}',
  vllmBaseUrl: undefined,
  ports,
  sinkUrl: 'http://127.0.0.1:40100/',
};

describe('planParts', () => {
  const parts = planParts(input);
  const env = (name: string) => parts.find((p) => p.name === name)!.env;

  it('starts the parts in dependency order', () => {
    expect(parts.map((p) => p.name)).toEqual(['rtsp-sim', 'vllm-sim', 'alerts', 'inference', 'capture']);
  });

  it('wires one Redis, one CLIPS_DIR and one camera URL template into every part', () => {
    for (const p of parts) {
      expect(p.env).toMatchObject({
        REDIS_URL: 'redis://127.0.0.1:7000',
        CLIPS_DIR: '/data/clips',
        RTSP_URL_TEMPLATE: 'rtsp://127.0.0.1:40004/cam{N}',
        PATH: '/usr/bin',
      });
      expect('UNSET' in p.env).toBe(false);
    }
  });

  it('points K_SINK of capture and inference at the broker, inference at vllm-sim, capture on UDP', () => {
    expect(env('capture')).toMatchObject({ K_SINK: 'http://127.0.0.1:40100/', RTSP_TRANSPORT: 'udp', PORT: '40001' });
    expect(env('inference')).toMatchObject({
      K_SINK: 'http://127.0.0.1:40100/',
      VLLM_BASE_URL: 'http://127.0.0.1:40003/v1',
      PORT: '40002',
    });
    expect(env('alerts')).toMatchObject({ PORT: '8080' });
    expect(env('vllm-sim')).toMatchObject({ VLLM_SIM_PORT: '40003', VLLM_SIM_ALLOWED_MEDIA_PATH: '/data/clips' });
    expect(env('rtsp-sim')).toMatchObject({
      RTSP_SIM_PUBLISH_PORT: '40005',
      RTSP_SIM_CONTROL_PORT: '40006',
      RTSP_SIM_RTP_PORT_START: '3000',
    });
  });

  it('gives the dashboard token to the alerts function only', () => {
    const withToken = planParts({ ...input, alertsToken: 'tok-0123456789abcdef' });
    expect(withToken.filter((p) => p.env.ALERTS_AUTH_TOKEN !== undefined).map((p) => p.name)).toEqual(['alerts']);
    expect(withToken.find((p) => p.name === 'alerts')!.env.ALERTS_AUTH_TOKEN).toBe('tok-0123456789abcdef');
    expect(parts.some((p) => p.env.ALERTS_AUTH_TOKEN !== undefined)).toBe(false);
  });

  it('issue #28.5: tokens set in the environment reach the alerts function only', () => {
    const fromEnv = planParts({
      ...input,
      env: { ...input.env, ALERTS_AUTH_TOKEN: 'env-admin-0123456789', ALERTS_VIEWER_TOKEN: 'env-viewer-0123456789' },
      alertsToken: 'env-admin-0123456789',
    });
    const holders = (name: string) => fromEnv.filter((p) => p.env[name] !== undefined).map((p) => p.name);
    expect(holders('ALERTS_AUTH_TOKEN')).toEqual(['alerts']);
    expect(holders('ALERTS_VIEWER_TOKEN')).toEqual(['alerts']);
    expect(fromEnv.find((p) => p.name === 'alerts')!.env).toMatchObject({
      ALERTS_VIEWER_TOKEN: 'env-viewer-0123456789',
      // its camera watchdog publishes camera.offline through the broker (issue #28.2)
      K_SINK: 'http://127.0.0.1:40100/',
    });
  });

  it('issue #25.6: with NOTIFY_REPORT_TO, notify gets a viewer token (never the admin one) that alerts accepts', () => {
    const ports = { ...input.ports, notify: 40200 };
    const plan = (env: Record<string, string>) =>
      planParts({
        ...input,
        ports,
        env: { ...input.env, ...env },
        alertsToken: 'adm-0123456789abcdef',
        reportToken: 'made-0123456789abcdef',
      });
    const envOf = (parts: ReturnType<typeof planParts>, name: string) => parts.find((p) => p.name === name)!.env;
    const made = plan({ NOTIFY_REPORT_TO: 'ehs@plant.example' });
    expect(envOf(made, 'notify')).toMatchObject({
      NOTIFY_REPORT_TOKEN: 'made-0123456789abcdef',
      NOTIFY_ALERTS_URL: 'http://127.0.0.1:8080',
    });
    expect(envOf(made, 'alerts').ALERTS_VIEWER_TOKEN).toBe('made-0123456789abcdef');
    expect(envOf(made, 'notify').ALERTS_AUTH_TOKEN).toBeUndefined();
    const given = plan({ NOTIFY_REPORT_TO: 'ehs@plant.example', ALERTS_VIEWER_TOKEN: 'env-viewer-0123456789' });
    expect(envOf(given, 'notify').NOTIFY_REPORT_TOKEN).toBe('env-viewer-0123456789');
    expect(given.filter((p) => p.env.NOTIFY_REPORT_TOKEN !== undefined).map((p) => p.name)).toEqual(['notify']);
    const off = plan({});
    expect(envOf(off, 'notify').NOTIFY_REPORT_TOKEN).toBeUndefined();
    expect(envOf(off, 'alerts').ALERTS_VIEWER_TOKEN).toBeUndefined();
  });

  it('starts the simulators and the dashboard together, inference after its model server, capture last', () => {
    expect(Object.fromEntries(parts.map((p) => [p.name, p.after]))).toEqual({
      'rtsp-sim': [],
      'vllm-sim': [],
      alerts: [],
      inference: ['vllm-sim', 'alerts'],
      capture: ['rtsp-sim', 'alerts', 'inference'],
    });
  });

  it('stops capture with SIGINT (finalises the clip being written), the rest with SIGTERM', () => {
    expect(Object.fromEntries(parts.map((p) => [p.name, p.stopSignal]))).toEqual({
      'rtsp-sim': 'SIGTERM',
      'vllm-sim': 'SIGTERM',
      alerts: 'SIGTERM',
      inference: 'SIGTERM',
      capture: 'SIGINT',
    });
  });

  it('with VLLM_BASE_URL set, starts no vllm-sim and sends inference there', () => {
    const real = planParts({ ...input, vllmBaseUrl: 'http://gpu:8000/v1', ports: { ...ports, vllmSim: undefined } });
    expect(real.map((p) => p.name)).not.toContain('vllm-sim');
    expect(real.find((p) => p.name === 'inference')!.env.VLLM_BASE_URL).toBe('http://gpu:8000/v1');
  });

  it('withPort replaces or adds the port of an rtsp URL template', () => {
    expect(withPort('rtsp://127.0.0.1:8554/cam{N}', 9)).toBe('rtsp://127.0.0.1:9/cam{N}');
    expect(withPort('rtsp://host/cam{N}', 9)).toBe('rtsp://host:9/cam{N}');
    // credentials survive (a regex made `admin:5:pw@`; issue #26.3)
    expect(withPort('rtsp://admin:p%40w@h:554/cam{N}', 5)).toBe('rtsp://admin:p%40w@h:5/cam{N}');
  });
});

describe('pre-flight messages say what is wrong and how to fix it', () => {
  it('Node.js older than 20', () => {
    expect(checkNode('18.19.0')?.problem).toMatch(/Node\.js 18\.19\.0 is too old/);
    expect(checkNode('20.0.0')).toBeUndefined();
  });

  it('ffmpeg missing names the apt-get command', () => {
    const [issue] = checkFfmpeg((c) => c !== 'ffmpeg');
    expect(issue?.problem).toMatch(/^ffmpeg is not on PATH/);
    expect(issue?.fix).toContain('sudo apt-get install -y ffmpeg');
    expect(checkFfmpeg(() => true)).toEqual([]);
  });

  it('a port in use names the port and the variable that changes it', async () => {
    const issues = await checkPorts(
      [{ port: 8080, variable: 'PORT', what: 'the alerts dashboard' }],
      async () => false,
    );
    expect(issues[0]?.problem).toBe('Port 8080 (the alerts dashboard, PORT) is already in use.');
    expect(issues[0]?.fix).toContain('PORT=8081 npm start');
  });

  it('no Redis and no redis-server', () => {
    expect(checkRedis(false, 'redis://127.0.0.1:6379', 'redis-server', false)?.fix).toContain(
      'sudo apt-get install -y redis-server',
    );
    expect(checkRedis(false, 'redis://x', 'redis-server', true)).toBeUndefined();
    expect(checkRedis(true, 'redis://x', 'redis-server', false)).toBeUndefined();
  });

  it('another stack running from the same STACK_DIR', () => {
    expect(checkAlreadyRunning({ pid: 42, state: 'running' }, () => true, 'x/stack.json')?.fix).toContain(
      'kill -INT 42',
    );
    expect(checkAlreadyRunning({ pid: 42, state: 'running' }, () => false, 'x/stack.json')).toBeUndefined();
    expect(checkAlreadyRunning({ pid: 42, state: 'stopped' }, () => true, 'x/stack.json')).toBeUndefined();
    expect(checkAlreadyRunning(undefined, () => true, 'x/stack.json')).toBeUndefined();
  });

  it('formats every issue with its fix', () => {
    expect(
      formatIssues([
        { problem: 'A', fix: 'a' },
        { problem: 'B', fix: 'b' },
      ]),
    ).toBe('npm start cannot start: 2 problems found.\n  ✖ A\n    → a\n  ✖ B\n    → b');
  });
});

describe('status parsing', () => {
  it('reads the verdict status from the stream entry (inference writes the verdict JSON)', () => {
    expect(
      verdictStatusOf([
        'jobId',
        'cam1-1',
        'cameraId',
        'cam1',
        'verdict',
        JSON.stringify({ status: 'danger', hazards: [] }),
      ]),
    ).toBe('danger');
    expect(verdictStatusOf(['status', 'uncertain'])).toBe('uncertain');
    expect(verdictStatusOf(['verdict', 'not json'])).toBeUndefined();
  });

  it('camera status', () => {
    expect(cameraOnline(JSON.stringify({ status: 'online' }))).toBe(true);
    expect(cameraOnline(JSON.stringify({ status: 'offline' }))).toBe(false);
    expect(cameraOnline(JSON.stringify({ status: 'unknown' }))).toBe(false);
  });

  it('clips per minute over a sliding window', () => {
    const r = new RateMeter(60_000);
    r.add(0, 0);
    expect(r.perMinute()).toBe(0);
    r.add(10, 30_000);
    expect(r.perMinute()).toBe(20);
    r.add(40, 90_000); // the first sample slid out: (40 - 10) over 60 s
    expect(r.perMinute()).toBe(30);
  });
});

describe('the local broker routes what the Knative Triggers route', () => {
  it('reads the type in binary and structured mode', () => {
    expect(eventTypeOf({ 'ce-type': 'com.safetyhanta.alert.raised' }, Buffer.from(''))).toBe(
      'com.safetyhanta.alert.raised',
    );
    expect(eventTypeOf({ 'content-type': 'application/cloudevents+json' }, Buffer.from('{"type":"t"}'))).toBe('t');
    expect(eventTypeOf({ 'content-type': 'application/json' }, Buffer.from('{"type":"t"}'))).toBeUndefined();
  });

  it('routes alerts, verdicts and camera events, not clip.captured', () => {
    expect(ALERTS_TRIGGERS).toContain('com.safetyhanta.verdict.created');
    expect(ALERTS_TRIGGERS).not.toContain('com.safetyhanta.clip.captured');
  });
});

describe('panel', () => {
  const model: PanelModel = {
    uptimeMs: 83_000,
    dashboardUrl: 'http://localhost:8080',
    logsDir: '.safety-hanta/logs',
    clipsPerMin: 120,
    numStreams: 10,
    status: {
      camerasOnline: 9,
      camerasKnown: 10,
      clipsEnqueued: 240,
      queueDepth: 3,
      inFlight: 2,
      deadLetters: 0,
      verdicts: { safe: 200, warning: 20, danger: 15, uncertain: 1 },
      openIncidents: 4,
    },
    events: { delivered: 50, failed: 0 },
    parts: [
      { name: 'alerts', state: 'running', restarts: 0 },
      { name: 'capture', state: 'backoff', restarts: 2, lastExit: 'exit code 1', tail: ['Error: boom'] },
    ],
  };

  it('shows cameras, clips/min, queue, verdicts by status, incidents, dead letters, the dashboard and a dead part with its log', () => {
    const text = renderPanel(model).join('\n');
    expect(text).toContain('up 1m23s · dashboard http://localhost:8080');
    expect(text).toContain('cameras 9/10 online   clips 120/min (240 total)   queue 3 (+2 in flight)   dead letters 0');
    expect(text).toContain('안전 safe 200  경고 warning 20  위험 danger 15  불확실 uncertain 1');
    expect(text).toContain('incidents 4 open');
    expect(text).toContain('✖ capture restarting (exit code 1) ↻2');
    expect(text).toContain('    Error: boom');
  });

  it('shows the inference replicas, running/desired, and the reason for the last change', () => {
    const replicas = {
      desired: 3,
      running: 2,
      reason: '1→3: queued trigger (queued 20/8, in flight 6/5) wants 3',
      queued: 20,
      inFlight: 6,
      min: 1,
      max: 8,
      pinned: false,
      at: '',
    };
    const text = renderPanel({ ...model, replicas }).join('\n');
    expect(text).toContain(
      'replicas 2/3 running/desired (min 1 · max 8)   last change 1→3: queued trigger (queued 20/8, in flight 6/5) wants 3',
    );
    expect(renderPanel({ ...model, replicas: { ...replicas, pinned: true } }).join('\n')).toContain(
      '(pinned by INFERENCE_REPLICAS)',
    );
    expect(renderLine({ ...model, replicas }, new Date(0))).toContain(' · replicas 2/3 · ');
    expect(renderPanel(model).join('\n')).not.toContain('replicas');
  });

  it('one line for logs and CI', () => {
    expect(renderLine(model, new Date('2026-11-28T12:00:00Z'))).toBe(
      '[12:00:00] cameras 9/10 · clips 120/min · queue 3+2 · verdicts 안전 200 경고 20 위험 15 불확실 1 · incidents 4 · dead 0' +
        ' · capture backoff (exit code 1) · restarts 2 · http://localhost:8080',
    );
  });

  it('a summary on shutdown', () => {
    expect(renderSummary(model.status!, 125_000)).toBe(
      'ran 2m05s: 240 clips recorded, 236 verdicts (안전 200 · 경고 20 · 위험 15 · 불확실 1), 4 incidents open, 5 clips left in the queue, 0 dead letters',
    );
  });

  it('durations and terminal widths (Hangul is two columns wide)', () => {
    expect(formatDuration(5_000)).toBe('5s');
    expect(formatDuration(3_725_000)).toBe('1h02m');
    expect(visibleWidth('\x1b[31m위험\x1b[0m 3')).toBe(6);
    expect(visibleWidth(fit('abcdefghij', 5))).toBe(5);
    expect(fit('abc', 5)).toBe('abc');
  });
});

describe('Terminal', () => {
  const fakeOut = (isTTY: boolean) => {
    const writes: string[] = [];
    return {
      writes,
      stream: { isTTY, columns: 40, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream,
    };
  };

  it('redraws the panel in place on a TTY, with messages scrolling above it', () => {
    const { writes, stream } = fakeOut(true);
    const echoed: string[] = [];
    const t = new Terminal(stream, (l) => echoed.push(l));
    t.panel(['a', 'b']);
    t.panel(['c', 'd']);
    t.message('hello');
    expect(writes).toEqual(['a\nb\n', '\x1b[2F\x1b[J', 'c\nd\n', '\x1b[2F\x1b[J', 'hello\n', 'c\nd\n']);
    expect(echoed).toEqual(['hello']);
  });

  it('draws no panel when stdout is not a terminal (lines mode instead)', () => {
    const { writes, stream } = fakeOut(false);
    const t = new Terminal(stream);
    t.panel(['a']);
    t.line('status');
    expect(writes).toEqual(['status\n']);
  });

  it('the terminal shows the login link whole; the log file gets it without the token', () => {
    const { writes, stream } = fakeOut(false);
    const echoed: string[] = [];
    const t = new Terminal(stream, (l) => echoed.push(l));
    t.message('  Dashboard: http://localhost:8080/login?token=s3cr3tT0ken&next=%2F  — incidents appear');
    t.line('login?token=abc');
    expect(writes[0]).toContain('token=s3cr3tT0ken&next');
    expect(echoed.join('\n')).not.toMatch(/s3cr3tT0ken|token=abc/);
    expect(echoed[0]).toBe(
      '  Dashboard: http://localhost:8080/login?token=<redacted: the link is in stack.json>&next=%2F  — incidents appear',
    );
  });
});

describe('restart budget (issue #26.5, probe finding 8)', () => {
  it('resets after a part ran cleanly for HEALTHY_RUN_MS, not after a quick crash', () => {
    expect(restartsAfterRun(5, HEALTHY_RUN_MS)).toBe(0);
    expect(restartsAfterRun(3, HEALTHY_RUN_MS - 1)).toBe(3);
  });
});
