import { parseUrl, urlText } from '../../functions/shared/src/camera-registry/credentials';
import type { PartSpec } from './part';

/** Ports and addresses the stack decided on (free ports for everything internal). */
export interface StackPorts {
  /** the alerts function and its dashboard (PORT) */
  readonly dashboard: number;
  readonly capture: number;
  readonly inference: number;
  /** the notify function (issue #24); undefined = not started */
  readonly notify?: number;
  /** undefined when VLLM_BASE_URL points at a real server */
  readonly vllmSim: number | undefined;
  readonly rtspClient: number;
  readonly rtspPublish: number;
  readonly rtspControl: number;
  readonly rtpStart: number;
  readonly rtpCount: number;
}

export interface PlanInput {
  /** the environment the stack was started with (passed on to every part) */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly redisUrl: string;
  /** absolute */
  readonly clipsDir: string;
  readonly rtspUrlTemplate: string;
  /** VLLM_BASE_URL when set (then no vllm-sim) */
  readonly vllmBaseUrl: string | undefined;
  readonly ports: StackPorts;
  /** K_SINK of every function: the local broker in front of the alerts function */
  readonly sinkUrl: string;
  /** ALERTS_AUTH_TOKEN of the alerts function (only it gets the token) */
  readonly alertsToken?: string;
  /** NOTIFY_LINK_SECRET of alerts and notify: notify signs acknowledge links, alerts verifies them */
  readonly linkSecret?: string;
  /** a read-only viewer token made for notify's daily-report fetch when ALERTS_VIEWER_TOKEN is unset */
  readonly reportToken?: string;
}

/** The template with its port replaced (`rtsp://127.0.0.1:8554/cam{N}` → `…:<port>/cam{N}`). */
export function withPort(template: string, port: number): string {
  // new URL(): a regex on the authority garbled `admin:pw@h:554` into `admin:5:pw@…` (issue #26.3)
  const u = parseUrl(template);
  if (!u) return template;
  u.port = String(port);
  return urlText(u);
}

const local = (port: number) => `http://127.0.0.1:${port}`;

/**
 * The parts of the local stack, in start order, each with its complete environment and the
 * parts it waits for (the simulators and the dashboard start together, so the dashboard is up
 * while rtsp-sim still renders its scenes; then inference, then capture): one
 * CLIPS_DIR, one Redis, K_SINK of every function at the local broker (which routes to
 * the alerts function the event types knative/eventing.yaml's Triggers route), capture on
 * UDP (the local RTSP server speaks UDP only). Pure: tested without starting anything.
 */
export function planParts(input: PlanInput): PartSpec[] {
  const { ports } = input;
  const base: Record<string, string> = {};
  // the dashboard's tokens go to the alerts function only (issue #28.5): no other part needs them,
  // and every part's environment is readable in its /proc/<pid>/environ and in crash dumps
  // (NOTIFY_REPORT_TOKEN is the viewer token again: notify gets it below, from the one alerts has)
  const ALERTS_ONLY = new Set(['ALERTS_AUTH_TOKEN', 'ALERTS_VIEWER_TOKEN', 'NOTIFY_REPORT_TOKEN']);
  for (const [k, v] of Object.entries(input.env)) if (v !== undefined && !ALERTS_ONLY.has(k)) base[k] = v;
  // the daily report by mail (issue #25.6): notify reads it as a viewer, never with the admin token
  const reportToken =
    base.NOTIFY_REPORT_TO && input.alertsToken ? (input.env.ALERTS_VIEWER_TOKEN ?? input.reportToken) : undefined;
  const viewerToken = input.env.ALERTS_VIEWER_TOKEN ?? reportToken;
  const template = withPort(input.rtspUrlTemplate, ports.rtspClient);
  const common = { ...base, REDIS_URL: input.redisUrl, CLIPS_DIR: input.clipsDir, RTSP_URL_TEMPLATE: template };
  const alertsUrl = local(ports.dashboard);
  const sink = input.sinkUrl;
  const vllmBaseUrl = input.vllmBaseUrl ?? `${local(ports.vllmSim ?? 8000)}/v1`;

  const parts: PartSpec[] = [
    {
      name: 'rtsp-sim',
      main: 'simulator/cameras/src/main.ts',
      stopSignal: 'SIGTERM',
      env: {
        ...common,
        RTSP_SIM_PUBLISH_PORT: String(ports.rtspPublish),
        RTSP_SIM_CONTROL_PORT: String(ports.rtspControl),
        RTSP_SIM_RTP_PORT_START: String(ports.rtpStart),
        RTSP_SIM_RTP_PORT_COUNT: String(ports.rtpCount),
      },
      // the control server starts after every camera answers DESCRIBE
      readyUrl: `${local(ports.rtspControl)}/health`,
      url: local(ports.rtspControl),
      after: [],
    },
  ];
  if (input.vllmBaseUrl === undefined && ports.vllmSim !== undefined) {
    parts.push({
      name: 'vllm-sim',
      main: 'simulator/vllm/src/main.ts',
      stopSignal: 'SIGTERM',
      env: {
        ...common,
        VLLM_SIM_PORT: String(ports.vllmSim),
        VLLM_SIM_HOST: '127.0.0.1',
        VLLM_SIM_ALLOWED_MEDIA_PATH: input.clipsDir,
      },
      readyUrl: `${local(ports.vllmSim)}/health`,
      url: `${local(ports.vllmSim)}/v1`,
      after: [],
    });
  }
  parts.push(
    {
      name: 'alerts',
      main: 'functions/alerts/src/main.ts',
      stopSignal: 'SIGTERM',
      env: {
        ...common,
        PORT: String(ports.dashboard),
        // its camera watchdog's camera.offline/online (issue #28.2) go through the broker like capture's
        K_SINK: sink,
        ...(input.alertsToken ? { ALERTS_AUTH_TOKEN: input.alertsToken } : {}),
        ...(input.linkSecret ? { NOTIFY_LINK_SECRET: input.linkSecret } : {}),
        ...(viewerToken ? { ALERTS_VIEWER_TOKEN: viewerToken } : {}),
      },
      readyUrl: `${alertsUrl}/healthz`,
      url: alertsUrl,
      after: [],
    },
    {
      name: 'inference',
      main: 'functions/inference/src/main.ts',
      stopSignal: 'SIGTERM',
      env: { ...common, PORT: String(ports.inference), VLLM_BASE_URL: vllmBaseUrl, K_SINK: sink },
      readyUrl: `${local(ports.inference)}/healthz`,
      url: local(ports.inference),
      after: input.vllmBaseUrl === undefined && ports.vllmSim !== undefined ? ['vllm-sim', 'alerts'] : ['alerts'],
    },
    {
      name: 'capture',
      main: 'functions/capture/src/main.ts',
      stopSignal: 'SIGINT',
      // rtsp-sim speaks UDP only; a user's own RTSP_TRANSPORT always wins (issue #26.3), and cameras
      // added through the API carry their own transport (default tcp)
      env: { ...common, PORT: String(ports.capture), K_SINK: sink, RTSP_TRANSPORT: base.RTSP_TRANSPORT ?? 'udp' },
      readyUrl: `${local(ports.capture)}/healthz`,
      url: local(ports.capture),
      // last: its clips should find a consumer, and its first clips the cameras already up
      after: ['rtsp-sim', 'alerts', 'inference'],
    },
  );
  if (ports.notify !== undefined)
    parts.push({
      name: 'notify',
      main: 'functions/notify/src/main.ts',
      stopSignal: 'SIGTERM',
      env: {
        ...common,
        PORT: String(ports.notify),
        // links in messages point at this dashboard; no PingSource here, so the tick runs in-process
        NOTIFY_PUBLIC_URL: base.NOTIFY_PUBLIC_URL ?? `http://localhost:${ports.dashboard}`,
        NOTIFY_TICK_SECONDS: base.NOTIFY_TICK_SECONDS ?? '10',
        NOTIFY_ALERTS_URL: alertsUrl,
        ...(input.linkSecret ? { NOTIFY_LINK_SECRET: input.linkSecret } : {}),
        ...(reportToken ? { NOTIFY_REPORT_TOKEN: reportToken } : {}),
      },
      readyUrl: `${local(ports.notify)}/healthz`,
      url: local(ports.notify),
      after: ['alerts'],
    });
  return parts;
}
