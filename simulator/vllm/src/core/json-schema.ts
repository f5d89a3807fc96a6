/**
 * The JSON-schema subset that structured output needs here (type, properties, required, enum,
 * const, items, minItems/maxItems, minimum/maximum, minLength/maxLength, additionalProperties),
 * as a validator and as a "conformer" that bends a candidate answer into the schema — the
 * simulator's stand-in for vLLM's grammar-constrained decoding (xgrammar), which can only ever
 * emit schema-valid JSON.
 */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: boolean | JsonSchema;
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

/** Validates `value`; returns the list of problems (empty = valid), each with its JSON path. */
export function validate(value: unknown, schema: JsonSchema, path = '$'): string[] {
  const errs: string[] = [];
  const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type);
  if (types.length > 0 && !types.some((t) => typeMatches(value, t)))
    return [`${path}: expected ${types.join('|')}, got ${typeOf(value)}`];
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    errs.push(`${path}: not one of the enum values`);
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value))
    errs.push(`${path}: not the const value`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errs.push(`${path}: below minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errs.push(`${path}: above maximum ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      errs.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      errs.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      errs.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      errs.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((v, i) => errs.push(...validate(v, schema.items as JsonSchema, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in obj)) errs.push(`${path}: missing required "${k}"`);
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k];
      if (sub) errs.push(...validate(v, sub, `${path}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${path}: unexpected property "${k}"`);
      else if (typeof schema.additionalProperties === 'object')
        errs.push(...validate(v, schema.additionalProperties, `${path}.${k}`));
    }
  }
  return errs;
}

/** The smallest value that satisfies `schema` (used for required fields the candidate lacks). */
export function minimalValue(schema: JsonSchema): unknown {
  if ('const' in schema) return schema.const;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  const t = ([] as string[]).concat(schema.type ?? 'object')[0];
  switch (t) {
    case 'string':
      return 'x'.repeat(schema.minLength ?? 0);
    case 'integer':
    case 'number':
      return schema.minimum ?? Math.min(0, schema.maximum ?? 0);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => minimalValue(schema.items ?? {}));
    default:
      return Object.fromEntries((schema.required ?? []).map((k) => [k, minimalValue(schema.properties?.[k] ?? {})]));
  }
}

/**
 * Bends `candidate` into `schema`: keeps what fits, clamps numbers, truncates arrays and strings,
 * drops unknown properties when they are not allowed, fills missing required ones. The result
 * always validates for the supported subset.
 */
export function conform(candidate: unknown, schema: JsonSchema): unknown {
  const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type);
  if (schema.enum || 'const' in schema)
    return validate(candidate, schema).length === 0 ? candidate : minimalValue(schema);
  if (types.length > 0 && !types.some((t) => typeMatches(candidate, t))) {
    if (types.includes('integer') && typeof candidate === 'number') return conform(Math.round(candidate), schema);
    if (types.includes('string') && candidate !== undefined)
      return conform(typeof candidate === 'string' ? candidate : JSON.stringify(candidate), schema);
    return minimalValue(schema);
  }
  if (typeof candidate === 'number') {
    return Math.min(schema.maximum ?? Infinity, Math.max(schema.minimum ?? -Infinity, candidate));
  }
  if (typeof candidate === 'string') {
    const s = candidate.slice(0, schema.maxLength ?? candidate.length);
    return s.padEnd(schema.minLength ?? 0, 'x');
  }
  if (Array.isArray(candidate)) {
    const items = candidate.slice(0, schema.maxItems ?? candidate.length).map((v) => conform(v, schema.items ?? {}));
    while (items.length < (schema.minItems ?? 0)) items.push(minimalValue(schema.items ?? {}));
    return items;
  }
  if (typeOf(candidate) === 'object') {
    const obj = candidate as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k];
      if (sub) out[k] = conform(v, sub);
      else if (typeof schema.additionalProperties === 'object') out[k] = conform(v, schema.additionalProperties);
      else if (schema.additionalProperties !== false) out[k] = v;
    }
    for (const k of schema.required ?? []) if (!(k in out)) out[k] = minimalValue(schema.properties?.[k] ?? {});
    return out;
  }
  return candidate;
}
