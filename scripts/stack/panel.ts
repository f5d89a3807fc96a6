import type { PipelineStatus } from './status';
import type { ReplicaStatus } from './replicas';

/** What a part looks like on the panel. */
export interface PartView {
  readonly name: string;
  readonly state: string;
  readonly restarts: number;
  /** "exit code 1" / "signal SIGKILL" when it died */
  readonly lastExit?: string | undefined;
  /** tail of its log, shown while it is down */
  readonly tail?: readonly string[] | undefined;
}

export interface PanelModel {
  readonly uptimeMs: number;
  readonly dashboardUrl: string;
  readonly logsDir: string;
  readonly status?: PipelineStatus | undefined;
  /** why the status could not be read (Redis down …) */
  readonly statusError?: string | undefined;
  readonly clipsPerMin: number;
  readonly parts: readonly PartView[];
  readonly numStreams: number;
  /** CloudEvents routed to the alerts function by the local broker */
  readonly events?: { readonly delivered: number; readonly failed: number } | undefined;
  /** inference replicas (local KEDA + HPA equivalent, or pinned) */
  readonly replicas?: ReplicaStatus | undefined;
}

function replicaLine(r: ReplicaStatus): string {
  const range = r.pinned ? 'pinned by INFERENCE_REPLICAS' : `min ${r.min} · max ${r.max}`;
  return `  replicas ${r.running}/${r.desired} running/desired (${range})   last change ${r.reason}`;
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

const id = (s: string) => s;
export const plain: Style = { bold: id, dim: id, red: id, yellow: id, green: id };
const wrap = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
export const ansi: Style = { bold: wrap(1), dim: wrap(2), red: wrap(31), yellow: wrap(33), green: wrap(32) };

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

const isDown = (p: PartView) => p.state === 'backoff' || p.state === 'failed';

function partBadge(p: PartView, st: Style): string {
  const restarts = p.restarts > 0 ? ` ↻${p.restarts}` : '';
  if (p.state === 'running') return `${st.green('●')} ${p.name}${restarts}`;
  if (p.state === 'starting') return `${st.yellow('○')} ${p.name} starting${restarts}`;
  if (isDown(p))
    return `${st.red('✖')} ${p.name} ${p.state === 'failed' ? 'FAILED' : 'restarting'} (${p.lastExit ?? '?'})${restarts}`;
  return `${st.dim('·')} ${p.name} ${p.state}`;
}

function verdictLine(v: PipelineStatus['verdicts'], st: Style): string {
  return [
    st.green(`안전 safe ${v.safe}`),
    st.yellow(`경고 warning ${v.warning}`),
    st.red(`위험 danger ${v.danger}`),
    st.dim(`불확실 uncertain ${v.uncertain}`),
  ].join('  ');
}

/** The live panel, one string per terminal line (pure: tested without a terminal). */
export function renderPanel(m: PanelModel, st: Style = plain): string[] {
  const s = m.status;
  const lines = [
    `${st.bold('Safety-Hanta')} local stack · up ${formatDuration(m.uptimeMs)} · dashboard ${st.bold(m.dashboardUrl)}`,
  ];
  if (s) {
    const cams =
      s.camerasKnown === 0 ? `0/${m.numStreams}` : `${s.camerasOnline}/${Math.max(s.camerasKnown, m.numStreams)}`;
    lines.push(
      `  cameras ${cams} online   clips ${m.clipsPerMin.toFixed(0)}/min (${s.clipsEnqueued} total)   queue ${s.queueDepth} (+${s.inFlight} in flight)   dead letters ${s.deadLetters}`,
      `  verdicts ${verdictLine(s.verdicts, st)}`,
      `  incidents ${s.openIncidents > 0 ? st.red(`${s.openIncidents} open`) : '0 open'}` +
        (m.events
          ? `   events to dashboard ${m.events.delivered}${m.events.failed > 0 ? st.yellow(` (${m.events.failed} refused/failed)`) : ''}`
          : ''),
    );
  } else {
    lines.push(`  ${st.yellow(`status unavailable: ${m.statusError ?? 'reading…'}`)}`);
  }
  if (m.replicas) lines.push(replicaLine(m.replicas));
  lines.push(`  parts   ${m.parts.map((p) => partBadge(p, st)).join('  ')}`);
  for (const p of m.parts.filter(isDown)) {
    lines.push(`  ${st.red(`${p.name} log (last lines):`)}`);
    for (const t of (p.tail ?? []).slice(-5)) lines.push(`    ${st.dim(t.length > 160 ? `${t.slice(0, 157)}…` : t)}`);
  }
  lines.push(st.dim(`  logs in ${m.logsDir}/ · Ctrl-C stops everything`));
  return lines;
}

/** The same information on one line (non-terminal output, CI logs). */
export function renderLine(m: PanelModel, now: Date = new Date()): string {
  const s = m.status;
  const t = now.toISOString().slice(11, 19);
  const parts = m.parts.filter((p) => p.state !== 'running');
  const partsText =
    parts.length === 0
      ? 'parts ok'
      : parts.map((p) => `${p.name} ${p.state}${p.lastExit ? ` (${p.lastExit})` : ''}`).join(', ');
  const restarts = m.parts.reduce((a, p) => a + p.restarts, 0);
  if (!s) return `[${t}] status unavailable: ${m.statusError ?? 'reading…'} · ${partsText}`;
  const v = s.verdicts;
  return (
    `[${t}] cameras ${s.camerasOnline}/${Math.max(s.camerasKnown, m.numStreams)} · clips ${m.clipsPerMin.toFixed(0)}/min · queue ${s.queueDepth}+${s.inFlight}` +
    ` · verdicts 안전 ${v.safe} 경고 ${v.warning} 위험 ${v.danger} 불확실 ${v.uncertain} · incidents ${s.openIncidents} · dead ${s.deadLetters}` +
    `${m.replicas ? ` · replicas ${m.replicas.running}/${m.replicas.desired}` : ''}` +
    ` · ${partsText}${restarts > 0 ? ` · restarts ${restarts}` : ''} · ${m.dashboardUrl}`
  );
}

/** The last words on shutdown: what the run produced. */
export function renderSummary(s: PipelineStatus, uptimeMs: number): string {
  const v = s.verdicts;
  const judged = v.safe + v.warning + v.danger + v.uncertain;
  return (
    `ran ${formatDuration(uptimeMs)}: ${s.clipsEnqueued} clips recorded, ${judged} verdicts (안전 ${v.safe} · 경고 ${v.warning} · 위험 ${v.danger} · 불확실 ${v.uncertain}),` +
    ` ${s.openIncidents} incidents open, ${s.queueDepth + s.inFlight} clips left in the queue, ${s.deadLetters} dead letters`
  );
}
