/**
 * Dockerfiles, checked offline (no Docker engine here): every image a manifest names has a
 * Dockerfile; each is multi-stage on node:22-slim, installs production dependencies only in
 * the runtime stage, runs as a numeric non-root user, starts an entry point that exists, and
 * copies only paths that exist and that .dockerignore lets through.
 */
import fs from 'node:fs';
import path from 'node:path';
import { allContainers, allDocs, isOurImage, REPO_ROOT, type Doc } from './manifests';

interface Stage {
  readonly from: string;
  readonly lines: string[];
}

/** Splits a Dockerfile into stages (continuation lines joined, comments dropped). */
export function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const l of logical) {
    if (/^FROM\s/i.test(l)) stages.push({ from: l, lines: [] });
    else stages.at(-1)?.lines.push(l);
  }
  return stages;
}

const dockerfiles = fs
  .readdirSync(path.join(REPO_ROOT, 'docker'))
  .filter((f) => f.endsWith('.Dockerfile'))
  .sort();
const read = (f: string) => fs.readFileSync(path.join(REPO_ROOT, 'docker', f), 'utf8');
const needsFfmpeg = new Set(['capture', 'inference', 'alerts', 'rtsp-sim', 'vllm-sim']);
const needsChromium = new Set(['alerts']);

/** Problems of one Dockerfile (empty = fine). */
export function dockerfileViolations(name: string, text: string): string[] {
  const out: string[] = [];
  const stages = parseDockerfile(text);
  const runtime = stages.at(-1);
  if (stages.length < 2 || !runtime) return [`${name}: not multi-stage`];
  for (const s of stages)
    if (!/^FROM node:22-slim(\s|$)/.test(s.from)) out.push(`${name}: ${s.from} is not node:22-slim`);
  const rt = runtime.lines.join('\n');
  if (!/npm ci [^\n]*--omit=dev/.test(rt)) out.push(`${name}: runtime stage lacks npm ci --omit=dev`);
  if (/npm ci(?![^\n]*--omit=dev)/.test(rt)) out.push(`${name}: runtime stage installs dev dependencies`);
  const user = runtime.lines.filter((l) => /^USER\s/.test(l)).at(-1);
  if (!user || !/^USER\s+[1-9]\d*(:\d+)?$/.test(user))
    out.push(`${name}: runtime stage must end as a numeric non-root USER (found ${user ?? 'none'})`);
  const cmd = runtime.lines.find((l) => /^CMD\s/.test(l));
  const entry = cmd ? (JSON.parse(cmd.replace(/^CMD\s+/, '')) as string[]).at(-1) : undefined;
  if (!entry || !fs.existsSync(path.join(REPO_ROOT, entry))) out.push(`${name}: entry point ${entry} does not exist`);
  const image = name.replace(/\.Dockerfile$/, '');
  if (needsFfmpeg.has(image) && !/apt-get install[^\n]*ffmpeg/.test(rt))
    out.push(`${name}: ffmpeg is not installed in the runtime stage`);
  // alerts prints the record's report PDFs with chromium (issue #25.6): Korean text needs a CJK font
  const installed = rt
    .split('\n')
    .filter((l) => /apt-get install/.test(l))
    .join(' ');
  if (needsChromium.has(image) && !(/\bchromium\b/.test(installed) && /\bfonts-noto-cjk\b/.test(installed)))
    out.push(`${name}: chromium and fonts-noto-cjk are not installed in the runtime stage`);
  for (const s of stages) {
    for (const l of s.lines.filter((x) => /^COPY\s/.test(x) && !x.includes('--from='))) {
      const srcs = l
        .replace(/^COPY\s+(--\S+\s+)*/, '')
        .split(/\s+/)
        .slice(0, -1);
      for (const src of srcs)
        if (!fs.existsSync(path.join(REPO_ROOT, src))) out.push(`${name}: COPY ${src} does not exist`);
    }
  }
  return out;
}

describe('Dockerfiles (offline: no Docker engine)', () => {
  it('every image of ours a manifest runs has a docker/<image>.Dockerfile', () => {
    const images = new Set(
      allContainers(allDocs().map((d) => d.doc))
        .map(({ container }) => String(container.image))
        .filter(isOurImage),
    );
    const missing = [...images]
      .map((i) => i.replace(/^safety-hanta\//, '').replace(/:.*$/, ''))
      .filter((n) => !dockerfiles.includes(`${n}.Dockerfile`));
    expect(images.size).toBeGreaterThanOrEqual(4);
    expect(missing).toEqual([]);
  });

  it.each(dockerfiles.map((f) => [f] as const))(
    '%s: multi-stage, node:22-slim, prod deps, non-root, real entry point',
    (f) => {
      expect(dockerfileViolations(f, read(f))).toEqual([]);
    },
  );

  it('the check fails on a single-stage root image with dev dependencies', () => {
    const bad = 'FROM node:22\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\nCMD ["node", "nope.js"]\n';
    expect(dockerfileViolations('capture.Dockerfile', bad)).toEqual(['capture.Dockerfile: not multi-stage']);
    const bad2 = `FROM node:22-slim AS b\nRUN true\nFROM node:20\nRUN npm ci\nUSER root\nCMD ["node", "nope.js"]\n`;
    expect(dockerfileViolations('capture.Dockerfile', bad2).length).toBeGreaterThanOrEqual(5);
  });

  it('the check fails on an alerts image that cannot print a Korean report PDF', () => {
    const good = read('alerts.Dockerfile');
    expect(
      dockerfileViolations('alerts.Dockerfile', good.replace('ffmpeg chromium fonts-noto-cjk', 'ffmpeg chromium')),
    ).toEqual(['alerts.Dockerfile: chromium and fonts-noto-cjk are not installed in the runtime stage']);
    expect(
      dockerfileViolations(
        'alerts.Dockerfile',
        good.replace('ffmpeg chromium fonts-noto-cjk', 'ffmpeg fonts-noto-cjk'),
      ),
    ).toHaveLength(1);
  });

  it('tsx, which the images run TypeScript with, is a production dependency', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Doc;
    expect(pkg.dependencies.tsx).toBeDefined();
  });

  it('.dockerignore keeps the build context small but lets the sources and the few-shot set through', () => {
    const ignore = fs
      .readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['.git', '**/node_modules', '**/test']) expect(ignore).toContain(p);
    for (const kept of [
      'functions',
      'simulator',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'docker',
      'fewshot',
    ]) {
      expect(ignore.some((p) => p === kept || p === `**/${kept}`)).toBe(false);
    }
  });

  it('containers of our images with a read-only root FS mount /tmp (tsx caches transpiled code there)', () => {
    const offenders = allContainers(allDocs().map((d) => d.doc))
      .filter(
        ({ container: c, init }) =>
          isOurImage(String(c.image)) && !init && c.securityContext?.readOnlyRootFilesystem === true,
      )
      .filter(({ container: c }) => !(c.volumeMounts ?? []).some((m: Doc) => m.mountPath === '/tmp'))
      .map(({ doc, container: c }) => `${doc.metadata.name}/${c.name}`);
    expect(offenders).toEqual([]);
  });
});
