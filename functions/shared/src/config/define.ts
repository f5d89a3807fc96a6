import { z } from 'zod';

/**
 * One environment variable, declared once: its name, default, expected form and doc.
 * The README's configuration table is checked against these declarations by a test.
 * Naming rule and boolean spelling: docs/architecture.md §3.2.
 */
export interface EnvVar<T> {
  readonly name: string;
  readonly schema: z.ZodType<T>;
  /** Raw default (as it would be written in the environment); undefined = optional/unset. */
  readonly default: string | undefined;
  /** Human wording of the expected form, used in error messages, e.g. "an integer ≥ 1". */
  readonly expected: string;
  readonly doc: string;
  /**
   * Former names, still read for one release when `name` is unset (with a deprecation warning);
   * when both are set `name` wins, with a warning too.
   */
  readonly deprecatedNames: readonly string[];
  /** A value the schema accepts but spells the old way → its current spelling; undefined = current. */
  readonly respell?: (raw: string) => string | undefined;
}

export function envVar<T>(
  name: string,
  spec: {
    schema: z.ZodType<T>;
    default?: string;
    expected: string;
    doc: string;
    deprecatedNames?: readonly string[];
    respell?: (raw: string) => string | undefined;
  },
): EnvVar<T> {
  return {
    name,
    schema: spec.schema,
    default: spec.default,
    expected: spec.expected,
    doc: spec.doc,
    deprecatedNames: spec.deprecatedNames ?? [],
    ...(spec.respell ? { respell: spec.respell } : {}),
  };
}

/** Empty or whitespace-only values count as unset (after openai-node's readEnv). */
export function readEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The raw value of one variable, resolving its deprecated names and spellings (pure: the warnings
 * are returned, the process entry point logs them once at start).
 * @returns `name`: the variable the value came from (for error messages); `raw`: undefined = unset
 */
export function readVar(
  spec: EnvVar<unknown>,
  env: NodeJS.ProcessEnv,
): { name: string; raw: string | undefined; warnings: string[] } {
  const warnings: string[] = [];
  const current = readEnv(env, spec.name);
  const old = spec.deprecatedNames.filter((n) => readEnv(env, n) !== undefined);
  let name = spec.name;
  let raw = current;
  if (current !== undefined)
    for (const o of old) warnings.push(`${o} is deprecated and ignored: ${spec.name} is set too and wins; remove ${o}`);
  else if (old[0] !== undefined) {
    name = old[0];
    raw = readEnv(env, name);
    warnings.push(`${name} is deprecated: rename it to ${spec.name} (the old name is read for one more release)`);
    for (const o of old.slice(1))
      warnings.push(`${o} is deprecated and ignored: ${name} is set too; rename it to ${spec.name}`);
  }
  const respelled = raw === undefined ? undefined : spec.respell?.(raw);
  // the old and new spellings are fixed words (no secret), so the value may be shown
  if (respelled !== undefined)
    warnings.push(`${name}=${raw} is a deprecated spelling: write ${spec.name}=${respelled} (${spec.expected})`);
  return { name, raw, warnings };
}

/** A group of variables belonging to one part (common, queue, capture, inference …). */
export type Section = Record<string, EnvVar<unknown>>;
export type SectionValues<S extends Section> = { [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

// Small shared validators, so every part words its errors the same way.
export const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
export const num = (min: number, max = Number.MAX_VALUE) => z.coerce.number().min(min).max(max);

/**
 * The one boolean spelling is `true|false` (docs/architecture.md §3.2). The spellings used before
 * (on/off, yes/no, 1/0) still parse for one release; `respellBool` names the current spelling so the
 * parser can warn.
 */
const OLD_BOOL_SPELLINGS: Readonly<Record<string, 'true' | 'false'>> = {
  on: 'true',
  yes: 'true',
  '1': 'true',
  off: 'false',
  no: 'false',
  '0': 'false',
};
export const bool = z
  .enum(['true', 'false', ...(Object.keys(OLD_BOOL_SPELLINGS) as [string, ...string[]])])
  .transform((v) => (OLD_BOOL_SPELLINGS[v] ?? v) === 'true');
export const respellBool = (raw: string): string | undefined => OLD_BOOL_SPELLINGS[raw];

/** A boolean variable: the shared schema, documented as `true|false`. */
export function boolVar(
  name: string,
  spec: { default: 'true' | 'false'; doc: string; deprecatedNames?: readonly string[] },
): EnvVar<boolean> {
  return envVar(name, { ...spec, schema: bool, expected: 'true|false', respell: respellBool });
}

export const url = (protocols: readonly string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
    } catch {
      return false;
    }
  });
export const optional = <T>(schema: z.ZodType<T>) => schema.optional();
