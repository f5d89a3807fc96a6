import { redactUrls } from '../../functions/shared/src/redact';

/** A problem found before starting anything, with the way to fix it. */
export interface PreflightIssue {
  readonly problem: string;
  readonly fix: string;
}

/** Node.js ≥ 20 (the engines field; tsx and the parts need it). */
export function checkNode(version: string = process.versions.node): PreflightIssue | undefined {
  const major = Number(version.split('.')[0]);
  if (major >= 20) return undefined;
  return {
    problem: `Node.js ${version} is too old: Safety-Hanta needs Node.js 20 or newer.`,
    fix: 'install Node.js 20 LTS or newer (https://nodejs.org, or `nvm install 20`), then run `npm start` again',
  };
}

/** ffmpeg and ffprobe on PATH (rtsp-sim renders and publishes with ffmpeg, capture records with it, inference decodes with it). */
export function checkFfmpeg(exists: (command: string) => boolean): PreflightIssue[] {
  const missing = ['ffmpeg', 'ffprobe'].filter((c) => !exists(c));
  if (missing.length === 0) return [];
  return [
    {
      problem: `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not on PATH (the camera simulator, capture and inference run ffmpeg).`,
      fix: 'install it: `sudo apt-get install -y ffmpeg` (Debian/Ubuntu) · `brew install ffmpeg` (macOS)',
    },
  ];
}

export interface PortClaim {
  readonly port: number;
  /** the environment variable that changes it */
  readonly variable: string;
  /** what uses it, e.g. "the dashboard" */
  readonly what: string;
}

/** Ports the user chose (PORT, or a port variable set explicitly) must be free: say which and how to change it. */
export async function checkPorts(
  claims: readonly PortClaim[],
  isFree: (port: number) => Promise<boolean>,
): Promise<PreflightIssue[]> {
  const issues: PreflightIssue[] = [];
  for (const c of claims) {
    if (await isFree(c.port)) continue;
    issues.push({
      problem: `Port ${c.port} (${c.what}, ${c.variable}) is already in use.`,
      fix: `stop what listens there (\`ss -ltnp 'sport = :${c.port}'\` shows it) or pick another port: \`${c.variable}=${c.port === 65535 ? c.port - 1 : c.port + 1} npm start\``,
    });
  }
  return issues;
}

/** Redis: something must answer at REDIS_URL, or we need redis-server to start one. */
export function checkRedis(
  answers: boolean,
  redisUrl: string,
  serverCommand: string,
  serverExists: boolean,
): PreflightIssue | undefined {
  if (answers || serverExists) return undefined;
  return {
    problem: `Nothing answers at REDIS_URL=${redactUrls(redisUrl)}, and \`${serverCommand}\` is not installed to start a private one.`,
    fix: 'install Redis: `sudo apt-get install -y redis-server` (or `brew install redis`), or point REDIS_URL at a running Redis',
  };
}

/** The message printed when pre-flight fails: every issue, each with its fix. */
export function formatIssues(issues: readonly PreflightIssue[]): string {
  return [
    `npm start cannot start: ${issues.length} problem${issues.length > 1 ? 's' : ''} found.`,
    ...issues.flatMap((i) => [`  ✖ ${i.problem}`, `    → ${i.fix}`]),
  ].join('\n');
}

/** Another `npm start` from the same STACK_DIR still running (its stack.json names a live pid). */
export function checkAlreadyRunning(
  state: { pid?: unknown; state?: unknown } | undefined,
  isRunning: (pid: number) => boolean,
  stateFile: string,
): PreflightIssue | undefined {
  if (
    !state ||
    typeof state.pid !== 'number' ||
    (state.state !== 'running' && state.state !== 'starting' && state.state !== 'stopping')
  )
    return undefined;
  if (!isRunning(state.pid)) return undefined;
  return {
    problem: `Another local stack is already running (pid ${state.pid}, see ${stateFile}).`,
    fix: `stop it with Ctrl-C in its terminal (or \`kill -INT ${state.pid}\`), or run a second one with its own STACK_DIR, PORT and REDIS_PREFIX`,
  };
}
