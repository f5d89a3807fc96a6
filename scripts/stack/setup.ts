import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../functions/shared/src/config';
import type { StackPorts } from './plan';
import { freeTcpPorts, freeUdpBlock, isTcpPortFree } from './ports';
import {
  checkAlreadyRunning,
  checkFfmpeg,
  checkNode,
  checkPorts,
  checkRedis,
  type PortClaim,
  type PreflightIssue,
} from './preflight';
import { commandExists, redisAnswers } from './redis';
import { readStateFile } from './state-file';
import { httpJson } from './wait';

type Env = Readonly<Record<string, string | undefined>>;

/** Port of an rtsp:// URL template (554 when it names none). */
export function portOf(template: string): number {
  const m = /^rtsps?:\/\/[^/:?#]+:(\d+)/.exec(template);
  return m ? Number(m[1]) : 554;
}

/** True when `pid` is alive and runs start-stack (not a recycled pid). */
function isStackProcess(pid: number): boolean {
  try {
    return pid !== process.pid && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start-stack');
  } catch {
    return false;
  }
}

const OURS = /((--import tsx|swc-register\.cjs) .*(main\.ts|rtsp-server-child\.ts)|ffmpeg|ffprobe|redis-server)/;

/**
 * A previous stack that was killed outright (SIGKILL, a crash) leaves its parts running in their
 * own process groups. Kills the pids its stack.json recorded that are still alive and still
 * ours (command line of a part, ffmpeg or redis-server: a recycled pid is left alone).
 * @returns the pids killed
 */
export function reapLeftovers(stateFile: string): number[] {
  const prev = readStateFile(stateFile);
  if (!prev || typeof prev.pid !== 'number' || isStackProcess(prev.pid)) return [];
  const pids = [
    ...(prev.parts ?? []).flatMap((p) => [...(p.pids ?? []), ...(p.descendants ?? [])]),
    ...(prev.redis?.launched && prev.redis.pid ? [prev.redis.pid] : []),
  ];
  const killed: number[] = [];
  for (const pid of new Set(pids)) {
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (pid === process.pid || !OURS.test(cmdline)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return killed;
}

/** True when the stack.json in this STACK_DIR names a live stack process. */
export function anotherStackRunning(stateFile: string): boolean {
  return checkAlreadyRunning(readStateFile(stateFile), isStackProcess, stateFile) !== undefined;
}

/**
 * Every pre-flight check, before anything starts: Node.js, ffmpeg/ffprobe, a stack already
 * running from this STACK_DIR, the ports the user chose (PORT; port variables set explicitly),
 * and Redis (answers at REDIS_URL, or redis-server is there to start one).
 */
export async function gatherIssues(
  c: Config,
  env: Env,
  stateFile: string,
): Promise<{ issues: PreflightIssue[]; redisAnswers: boolean }> {
  const issues: PreflightIssue[] = [];
  const add = (i: PreflightIssue | undefined) => i && issues.push(i);
  add(checkNode());
  add(
    checkAlreadyRunning(readStateFile(stateFile), isStackProcess, path.relative(process.cwd(), stateFile) || stateFile),
  );
  const onPath = (cmd: string) => commandExists(cmd, env.PATH ?? '');
  issues.push(...checkFfmpeg(onPath));
  const claims: PortClaim[] = [{ port: c.common.port, variable: 'PORT', what: 'the alerts dashboard' }];
  if (env.RTSP_URL_TEMPLATE)
    claims.push({
      port: portOf(c.common.rtspUrlTemplate),
      variable: 'RTSP_URL_TEMPLATE',
      what: 'the RTSP camera simulator',
    });
  if (env.RTSP_SIM_PUBLISH_PORT)
    claims.push({ port: c.rtspSim.publishPort, variable: 'RTSP_SIM_PUBLISH_PORT', what: 'the RTSP publishers' });
  if (env.RTSP_SIM_CONTROL_PORT)
    claims.push({ port: c.rtspSim.controlPort, variable: 'RTSP_SIM_CONTROL_PORT', what: 'the camera fault switch' });
  if (env.VLLM_SIM_PORT && !c.common.vllmBaseUrl)
    claims.push({ port: c.vllmSim.port, variable: 'VLLM_SIM_PORT', what: 'vllm-sim' });
  issues.push(
    ...(await checkPorts(
      claims.filter((x) => x.port !== 0),
      (p) => isTcpPortFree(p),
    )),
  );
  const answers = await redisAnswers(c.common.redisUrl);
  add(checkRedis(answers, c.common.redisUrl, c.tools.redisServerPath, answers || onPath(c.tools.redisServerPath)));
  return { issues, redisAnswers: answers };
}

/** A real model server need not be up yet (inference waits for it), but say what it serves. */
export async function probeModelServer(c: Config): Promise<{ ok: boolean; text: string }> {
  const base = c.common.vllmBaseUrl ?? '';
  const auth: Record<string, string> = c.inference.apiKey ? { authorization: `Bearer ${c.inference.apiKey}` } : {};
  const models = (await httpJson(`${base.replace(/\/$/, '')}/models`, 3000, auth)) as
    { data?: { id?: string }[] } | undefined;
  if (!models) {
    return {
      ok: false,
      text: `model server ${base} does not answer GET /models yet; inference will wait for it (check VLLM_BASE_URL, and VLLM_API_KEY if it needs one)`,
    };
  }
  const ids = models.data?.map((m) => m.id).filter(Boolean) ?? [];
  const served = ids.includes(c.common.vllmModel);
  return {
    ok: served,
    text:
      `model server (VLLM_BASE_URL, vllm-sim not started) ${base} serves ${ids.join(', ') || 'no models'}` +
      (served ? '' : ` — VLLM_MODEL=${c.common.vllmModel} is not among them`),
  };
}

/**
 * Ports for the parts: PORT for the dashboard; for the internal services the value the user
 * set explicitly, else a free port (so a second stack or a test never collides); and a block
 * of free UDP ports for the RTSP server's RTP pool.
 */
export async function allocatePorts(c: Config, env: Env): Promise<StackPorts> {
  // one spare, in case the OS offers PORT itself (a PORT picked from the ephemeral range, as tests do)
  const free = (await freeTcpPorts(8)).filter((p) => p !== c.common.port).slice(0, 7);
  const next = () => free.pop()!;
  const pick = (explicit: string | undefined, configured: number) => {
    const port = next(); // taken either way, so the set stays distinct
    return explicit && configured !== 0 ? configured : port;
  };
  const rtpCount = Math.min(c.rtspSim.rtpPortCount, Math.max(64, 8 * c.common.numStreams + 16));
  const rtpStart = env.RTSP_SIM_RTP_PORT_START
    ? c.rtspSim.rtpPortStart
    : await freeUdpBlock(rtpCount, c.rtspSim.rtpPortStart);
  if (rtpStart === undefined)
    throw new Error(
      `no block of ${rtpCount} free UDP ports in 1024–4998 for the RTSP server; set RTSP_SIM_RTP_PORT_START`,
    );
  const ports: StackPorts = {
    dashboard: c.common.port,
    capture: next(),
    inference: next(),
    notify: next(),
    vllmSim: c.common.vllmBaseUrl ? (next(), undefined) : pick(env.VLLM_SIM_PORT, c.vllmSim.port),
    rtspClient: pick(env.RTSP_URL_TEMPLATE, portOf(c.common.rtspUrlTemplate)),
    rtspPublish: pick(env.RTSP_SIM_PUBLISH_PORT, c.rtspSim.publishPort),
    rtspControl: pick(env.RTSP_SIM_CONTROL_PORT, c.rtspSim.controlPort),
    rtpStart,
    rtpCount,
  };
  const tcp = [
    ports.dashboard,
    ports.capture,
    ports.inference,
    ports.notify,
    ports.vllmSim,
    ports.rtspClient,
    ports.rtspPublish,
    ports.rtspControl,
  ].filter((p) => p !== undefined);
  const dup = tcp.find((p, i) => tcp.indexOf(p) !== i);
  if (dup !== undefined)
    throw new Error(
      `port ${dup} is configured for two parts (PORT, VLLM_SIM_PORT, RTSP_URL_TEMPLATE, RTSP_SIM_PUBLISH_PORT, RTSP_SIM_CONTROL_PORT must differ)`,
    );
  return ports;
}
