import { z } from 'zod';
import { badRequest } from './errors';
import type { JsonSchema } from './json-schema';
import type { VideoKwargs } from './qwen-vl';

/** Where a media item's bytes are: inline base64 JPEG frames, a local file, or only a uuid (already cached). */
export type MediaSource =
  | { readonly type: 'jpeg'; readonly frames: readonly string[] }
  | { readonly type: 'mp4'; readonly base64: string }
  | { readonly type: 'file'; readonly path: string }
  | { readonly type: 'uuid-only' };

export interface MediaPart {
  readonly kind: 'media';
  readonly modality: 'video' | 'image';
  readonly source: MediaSource;
  readonly uuid: string | undefined;
}
export type Part = { readonly kind: 'text'; readonly text: string } | MediaPart;
export interface Message {
  readonly role: 'system' | 'user' | 'assistant' | 'developer';
  readonly parts: readonly Part[];
}

/** What the response must look like. */
export type OutputFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | { readonly type: 'json_schema'; readonly schema: JsonSchema };

/** A chat-completions request after validation. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly Message[];
  readonly format: OutputFormat;
  readonly maxTokens: number | undefined;
  /** mm_processor_kwargs + media_io_kwargs: they enter every media item's hash, as in vLLM. */
  readonly mediaKwargs: string | undefined;
  /** vLLM `cache_salt`: mixed into the first block's hash, isolating this request's cache entries. */
  readonly cacheSalt: string | undefined;
  /** `media_io_kwargs.video.fps`: the rate vLLM ≥ #37301 stamps on a `data:video/jpeg` frame list (default 1). */
  readonly videoIoFps: number | undefined;
  /** `mm_processor_kwargs.do_sample_frames` / `.fps`: how Qwen3-VL's processor treats each video. */
  readonly video: VideoKwargs;
}

const urlObject = z.object({ url: z.string() }).loose();
const partSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string() }).loose(),
  z
    .object({ type: z.literal('image_url'), image_url: urlObject.nullable().optional(), uuid: z.string().optional() })
    .loose(),
  z
    .object({ type: z.literal('video_url'), video_url: urlObject.nullable().optional(), uuid: z.string().optional() })
    .loose(),
]);
const messageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'developer']),
    content: z.union([z.string(), z.array(z.unknown()), z.null()]).optional(),
  })
  .loose();
const bodySchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(messageSchema).min(1),
    max_tokens: z.number().int().positive().nullable().optional(),
    max_completion_tokens: z.number().int().positive().nullable().optional(),
    stream: z.boolean().nullable().optional(),
    n: z.number().int().nullable().optional(),
    response_format: z
      .union([
        z.object({ type: z.literal('text') }).loose(),
        z.object({ type: z.literal('json_object') }).loose(),
        z
          .object({
            type: z.literal('json_schema'),
            json_schema: z
              .object({
                name: z.string().optional(),
                schema: z.record(z.string(), z.unknown()),
                strict: z.boolean().nullable().optional(),
              })
              .loose(),
          })
          .loose(),
      ])
      .nullable()
      .optional(),
    structured_outputs: z
      .object({ json: z.union([z.record(z.string(), z.unknown()), z.string()]).optional() })
      .loose()
      .nullable()
      .optional(),
    cache_salt: z.string().min(1).nullable().optional(),
    mm_processor_kwargs: z.record(z.string(), z.unknown()).nullable().optional(),
    media_io_kwargs: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .loose();

function describe(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

/** Parses a media URL into its source. Only what vllm-sim can decode is accepted; the rest is a clear 400. */
export function parseMediaUrl(url: string, modality: 'video' | 'image'): MediaSource {
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    const header = url.slice(5, comma < 0 ? undefined : comma);
    const payload = comma < 0 ? '' : url.slice(comma + 1);
    if (modality === 'video' && header === 'video/mp4;base64' && payload !== '')
      return { type: 'mp4', base64: payload };
    const ok =
      modality === 'video'
        ? header === 'video/jpeg;base64'
        : header === 'image/jpeg;base64' || header === 'image/jpg;base64';
    if (!ok || payload === '') {
      throw badRequest(
        modality === 'video'
          ? `Unsupported video data URL "data:${header}": vllm-sim accepts data:video/mp4;base64,… (a video container), data:video/jpeg;base64,<frame1>,<frame2>,… (base64 JPEG frames) or file:// URLs`
          : `Unsupported image data URL "data:${header}": vllm-sim accepts data:image/jpeg;base64,…`,
      );
    }
    const frames = modality === 'video' ? payload.split(',') : [payload];
    return { type: 'jpeg', frames };
  }
  if (url.startsWith('file://')) {
    let path: string;
    try {
      path = decodeURIComponent(new URL(url).pathname);
    } catch {
      throw badRequest(`Invalid file URL: ${url}`);
    }
    return { type: 'file', path };
  }
  if (/^https?:\/\//.test(url)) throw badRequest('vllm-sim does not fetch remote media; send data: or file:// URLs');
  throw badRequest(`Unsupported media URL scheme in "${url.slice(0, 40)}"`);
}

function parsePart(raw: unknown, where: string): Part {
  const r = partSchema.safeParse(raw);
  if (!r.success) {
    const type = (raw as { type?: unknown } | null)?.type;
    throw badRequest(
      typeof type === 'string' && !['text', 'image_url', 'video_url'].includes(type)
        ? `Unsupported content part type "${type}" at ${where}: vllm-sim accepts text, image_url and video_url`
        : `Invalid content part at ${where}: ${describe(r.error.issues)}`,
    );
  }
  const p = r.data;
  if (p.type === 'text') return { kind: 'text', text: p.text };
  const modality = p.type === 'video_url' ? 'video' : 'image';
  const urlObj = p.type === 'video_url' ? p.video_url : p.image_url;
  if (!urlObj) {
    if (!p.uuid) throw badRequest(`${p.type} at ${where} has neither a URL nor a uuid`);
    return { kind: 'media', modality, source: { type: 'uuid-only' }, uuid: p.uuid };
  }
  return { kind: 'media', modality, source: parseMediaUrl(urlObj.url, modality), uuid: p.uuid };
}

/** Validates a request body; throws a 400 SimHttpError naming the problem. */
export function parseChatRequest(body: unknown): ChatRequest {
  const r = bodySchema.safeParse(body);
  if (!r.success) throw badRequest(`Invalid request: ${describe(r.error.issues)}`);
  const b = r.data;
  if (b.stream) throw badRequest('stream=true is not supported by vllm-sim', 'stream');
  if (b.n !== undefined && b.n !== null && b.n !== 1) throw badRequest('only n=1 is supported by vllm-sim', 'n');
  const messages = b.messages.map((m, i): Message => {
    const content = m.content ?? '';
    const parts =
      typeof content === 'string'
        ? [{ kind: 'text' as const, text: content }]
        : content.map((p, j) => parsePart(p, `messages[${i}].content[${j}]`));
    if (m.role !== 'user' && parts.some((p) => p.kind === 'media'))
      throw badRequest(`messages[${i}]: media is only allowed in user messages`);
    return { role: m.role, parts };
  });
  const rf = b.response_format;
  const soJson = b.structured_outputs?.json;
  let format: OutputFormat =
    rf?.type === 'json_schema'
      ? { type: 'json_schema', schema: rf.json_schema.schema }
      : rf?.type === 'json_object'
        ? { type: 'json_object' }
        : { type: 'text' };
  // vLLM's own spelling (structured_outputs.json); the removed guided_json is ignored, as vLLM ≥ 0.12 does.
  if (soJson !== undefined) {
    try {
      format = {
        type: 'json_schema',
        schema: (typeof soJson === 'string' ? JSON.parse(soJson) : soJson) as JsonSchema,
      };
    } catch {
      throw badRequest('structured_outputs.json is not a valid JSON schema', 'structured_outputs');
    }
  }
  const kwargs =
    b.mm_processor_kwargs || b.media_io_kwargs
      ? JSON.stringify([b.mm_processor_kwargs ?? null, b.media_io_kwargs ?? null])
      : undefined;
  const videoIo = (b.media_io_kwargs?.video ?? undefined) as { fps?: unknown } | undefined;
  const videoIoFps = typeof videoIo?.fps === 'number' && videoIo.fps > 0 ? videoIo.fps : undefined;
  const mm = b.mm_processor_kwargs ?? {};
  const video: VideoKwargs = {
    doSampleFrames: typeof mm.do_sample_frames === 'boolean' ? mm.do_sample_frames : undefined,
    fps: typeof mm.fps === 'number' ? mm.fps : undefined,
  };
  return {
    model: b.model,
    messages,
    format,
    maxTokens: b.max_completion_tokens ?? b.max_tokens ?? undefined,
    mediaKwargs: kwargs,
    cacheSalt: b.cache_salt ?? undefined,
    videoIoFps,
    video,
  };
}
