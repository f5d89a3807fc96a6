import { ConfigError } from '../errors';
import { redactUrls } from '../redact';
import { readVar, type EnvVar, type Section, type SectionValues } from './define';
import { common } from './common';
import { tools } from './tools';
import { queue } from './queue';
import { publisher } from './publisher';
import { capture } from './capture';
import { inference } from './inference';
import { alerts } from './alerts';
import { notify } from './notify';
import { rtspSim } from './rtsp-sim';
import { vllmSim } from './vllm-sim';
import { stack } from './stack';
import { record } from './record';

/** Every variable of every part, grouped by section. The README table is checked against this. */
export const sections = {
  common,
  tools,
  queue,
  publisher,
  capture,
  inference,
  alerts,
  record,
  notify,
  rtspSim,
  vllmSim,
  stack,
} as const;

type Sections = typeof sections;
export type Config = { readonly [S in keyof Sections]: Readonly<SectionValues<Sections[S]>> } & {
  /**
   * Deprecated names and spellings found in the environment, one line each, naming the variable and
   * its current form. The parser stays pure: each process logs these once at start (like
   * `captureStartWarnings`).
   */
  readonly warnings: readonly string[];
};

function parseSection<S extends Section>(
  section: S,
  env: NodeJS.ProcessEnv,
  issues: string[],
  warnings: string[],
): SectionValues<S> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries<EnvVar<unknown>>(section)) {
    const read = readVar(spec, env);
    warnings.push(...read.warnings);
    const raw = read.raw ?? spec.default;
    const result = spec.schema.safeParse(raw);
    if (result.success) out[key] = result.data;
    else issues.push(`${read.name}=${redactUrls(JSON.stringify(raw ?? ''))} is invalid: expected ${spec.expected}`); // no password in the message (#18.8)
  }
  return out as SectionValues<S>;
}

/**
 * Parses and validates the whole configuration once, at start-up. Pure: pass the
 * environment in (tests do). Nothing else in the code base reads `process.env`.
 * @throws ConfigError listing every bad variable by name with the expected form.
 */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const issues: string[] = [];
  const warnings: string[] = [];
  const parsed = Object.fromEntries(
    Object.entries(sections).map(([name, section]) => [name, parseSection(section as Section, env, issues, warnings)]),
  );
  if (issues.length > 0) throw new ConfigError(issues);
  return { ...parsed, warnings } as unknown as Config;
}

/** All declared variables, flat, in declaration order. */
export function allEnvVars(): readonly EnvVar<unknown>[] {
  return Object.values(sections).flatMap((s) => Object.values(s as Section));
}

export type { EnvVar, Section } from './define';
