import { z } from 'zod';

/**
 * One environment variable, declared once: its name, default, expected form and doc.
 * The README's configuration table is checked against these declarations by a test.
 */
export interface EnvVar<T> {
  readonly name: string;
  readonly schema: z.ZodType<T>;
  /** Raw default (as it would be written in the environment); undefined = optional/unset. */
  readonly default: string | undefined;
  /** Human wording of the expected form, used in error messages, e.g. "an integer ≥ 1". */
  readonly expected: string;
  readonly doc: string;
}

export function envVar<T>(
  name: string,
  spec: { schema: z.ZodType<T>; default?: string; expected: string; doc: string },
): EnvVar<T> {
  return { name, schema: spec.schema, default: spec.default, expected: spec.expected, doc: spec.doc };
}

/** A group of variables belonging to one part (common, queue, capture, inference …). */
export type Section = Record<string, EnvVar<unknown>>;
export type SectionValues<S extends Section> = { [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

// Small shared validators, so every part words its errors the same way.
export const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
export const num = (min: number, max = Number.MAX_VALUE) => z.coerce.number().min(min).max(max);
export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
export const url = (protocols: readonly string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
    } catch {
      return false;
    }
  });
export const optional = <T>(schema: z.ZodType<T>) => schema.optional();
