import { HTTP, type CloudEvent, type CloudEventV1 } from 'cloudevents';
import { EventDataSchemas, type EventTypeName } from '../events';

export interface ReceivedEvent<T extends EventTypeName = EventTypeName> {
  id: string;
  type: T;
  source: string;
  time?: string;
  data: unknown;
  /** All attributes, including extensions such as `cameraid`, `incidentid`, `severity`. */
  attributes: Record<string, unknown>;
}

export type ReceiveResult = { ok: true; event: ReceivedEvent } | { ok: false; status: 400; reason: string };

/**
 * Decodes an HTTP request into a CloudEvent (binary or structured mode), checks the type is
 * one this function accepts and validates `data` with the type's zod schema. Never throws:
 * a malformed event becomes `{ok:false, status:400, reason}` and changes nothing.
 */
export function receiveCloudEvent(
  headers: Record<string, string | string[] | undefined>,
  body: string | Buffer | undefined,
  accepted: readonly EventTypeName[],
): ReceiveResult {
  const flatHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) flatHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const text = body === undefined ? '' : body.toString();
  const missing = missingRequiredAttributes(flatHeaders, text);
  if (missing.length > 0) {
    return {
      ok: false,
      status: 400,
      reason: `not a valid CloudEvent: missing required attribute(s) ${missing.join(', ')}`,
    };
  }
  const version = wireSpecVersion(flatHeaders, text);
  if (version !== undefined && version !== '1.0') {
    // the SDK decodes any version it does not know as 1.0 (it was accepting `specversion: 99`)
    return {
      ok: false,
      status: 400,
      reason: `not a valid CloudEvent: specversion ${JSON.stringify(version)} is not supported; send 1.0`,
    };
  }
  let ce: CloudEventV1<unknown>;
  try {
    const decoded = HTTP.toEvent({ headers: flatHeaders, body: text });
    if (Array.isArray(decoded))
      return { ok: false, status: 400, reason: 'batched CloudEvents are not accepted; send one event per request' };
    // toEvent does not validate; validate() checks the spec's types and formats.
    (decoded as CloudEvent<unknown>).validate();
    ce = decoded;
  } catch (err) {
    const e = err as Error & { errors?: unknown[] };
    const detail = e.errors?.length ? ` (${JSON.stringify(e.errors)})` : '';
    return { ok: false, status: 400, reason: `not a valid CloudEvent: ${e.message}${detail}` };
  }
  if (!(accepted as readonly string[]).includes(ce.type)) {
    return {
      ok: false,
      status: 400,
      reason: `event type ${JSON.stringify(ce.type)} is not accepted here; accepted: ${accepted.join(', ')}`,
    };
  }
  const type = ce.type as EventTypeName;
  let data: unknown = ce.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return { ok: false, status: 400, reason: 'event data is not JSON' };
    }
  } else if (data === undefined && ce.data_base64 !== undefined) {
    return { ok: false, status: 400, reason: 'event data must be JSON, not base64' };
  }
  const parsed = EventDataSchemas[type].safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ');
    return { ok: false, status: 400, reason: `invalid ${type} data: ${detail}` };
  }
  const attributes: Record<string, unknown> = { ...ce };
  delete attributes.data;
  return {
    ok: true,
    event: { id: ce.id, type, source: ce.source, ...(ce.time ? { time: ce.time } : {}), data: parsed.data, attributes },
  };
}

const REQUIRED = ['specversion', 'id', 'source', 'type'] as const;

/**
 * The SDK's decoder fills in a missing specversion and does not insist on `source`, so the
 * required context attributes are checked on the wire: `ce-*` headers in binary mode, the
 * JSON envelope in structured mode.
 */
function missingRequiredAttributes(headers: Record<string, string>, body: string): string[] {
  const structured = (headers['content-type'] ?? '').toLowerCase().startsWith('application/cloudevents');
  if (!structured) return REQUIRED.filter((a) => !headers[`ce-${a}`]?.trim()).map((a) => `ce-${a}`);
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    return []; // not JSON: the decoder reports it
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return [];
  const record = envelope as Record<string, unknown>;
  return REQUIRED.filter((a) => typeof record[a] !== 'string' || record[a].trim() === '');
}

/** The specversion as sent (header in binary mode, envelope field in structured mode). */
function wireSpecVersion(headers: Record<string, string>, body: string): string | undefined {
  const structured = (headers['content-type'] ?? '').toLowerCase().startsWith('application/cloudevents');
  if (!structured) return headers['ce-specversion']?.trim();
  try {
    const envelope = JSON.parse(body) as { specversion?: unknown } | null;
    return envelope && typeof envelope === 'object' && envelope.specversion !== undefined
      ? // eslint-disable-next-line @typescript-eslint/no-base-to-string -- any JSON value, named as String() renders it
        String(envelope.specversion)
      : undefined;
  } catch {
    return undefined;
  }
}
