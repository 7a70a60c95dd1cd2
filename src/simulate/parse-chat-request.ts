import { createHash } from 'node:crypto';
import { z } from 'zod';
import { decodeImageSize, type ImageSize } from './decode-image-size.js';

/** One image of a request. */
export interface ChatImage {
  /** A short hash of the image URL: what answers and fault rolls are keyed on. */
  readonly hash: string;
  /** Pixel size, when the URL is a data URL of a PNG, JPEG or WebP. */
  readonly size: ImageSize | undefined;
}

/** The fields of a chat-completion request that the simulated server acts on. */
export interface ChatRequest {
  readonly model: string | undefined;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** `max_completion_tokens`, else `max_tokens`, else `undefined`. */
  readonly maxTokens: number | undefined;
  /** Server-side stop strings. */
  readonly stop: readonly string[];
  /** All text parts of all messages, joined by newlines. */
  readonly promptText: string;
  readonly images: readonly ChatImage[];
  /** The schema of `response_format: {type: 'json_schema'}`, if the request has one. */
  readonly responseSchema: unknown;
  /** A JSON Schema embedded in the prompt (a line holding a JSON object with `type` or `properties`). */
  readonly promptSchema: unknown;
}

/** A parsed request, or the reason it is a bad request. */
export type ParseChatRequestResult =
  { readonly ok: true; readonly request: ChatRequest } | { readonly ok: false; readonly message: string };

// Loose wire schema: only the fields read are checked, everything else passes through untouched.
const partSchema = z.looseObject({
  type: z.string(),
  text: z.string().nullish(),
  image_url: z.union([z.string(), z.looseObject({ url: z.string() })]).nullish(),
});
const requestSchema = z.looseObject({
  model: z.string().nullish(),
  messages: z
    .array(
      z.looseObject({
        role: z.string(),
        content: z.union([z.string(), z.array(partSchema)]).nullish(),
      }),
    )
    .min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(16)]).nullish(),
  n: z.literal(1, { error: 'only n=1 is supported' }).nullish(),
  response_format: z
    .looseObject({
      type: z.string(),
      json_schema: z.looseObject({ name: z.string().nullish(), schema: z.unknown() }).nullish(),
    })
    .nullish(),
});

/** Base64 characters decoded to look for an image header (48 KiB of bytes; a multiple of 4). */
const HEADER_BASE64_CHARS = 65_536;

/** Validate a parsed JSON body as a chat-completion request and extract what the server needs. */
export function parseChatRequest(body: unknown): ParseChatRequestResult {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, message: `${where}${issue?.message ?? 'invalid request'}` };
  }
  const data = parsed.data;
  const texts: string[] = [];
  const images: ChatImage[] = [];
  for (const message of data.messages) {
    if (typeof message.content === 'string') texts.push(message.content);
    else
      for (const part of message.content ?? []) {
        if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
        else if (part.type === 'image_url' && part.image_url) {
          images.push(readImage(typeof part.image_url === 'string' ? part.image_url : part.image_url.url));
        }
      }
  }
  const stop = data.stop ?? [];
  return {
    ok: true,
    request: {
      model: data.model ?? undefined,
      stream: data.stream ?? false,
      includeUsage: data.stream_options?.include_usage ?? false,
      maxTokens: data.max_completion_tokens ?? data.max_tokens ?? undefined,
      stop: typeof stop === 'string' ? [stop] : stop,
      promptText: texts.join('\n'),
      images,
      responseSchema:
        data.response_format?.type === 'json_schema' ? data.response_format.json_schema?.schema : undefined,
      promptSchema: findPromptSchema(texts),
    },
  };
}

/** The first prompt line that is a JSON object shaped like a JSON Schema. */
function findPromptSchema(texts: readonly string[]): unknown {
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (!trimmed.startsWith('{')) continue;
      try {
        const value: unknown = JSON.parse(trimmed);
        if (typeof value === 'object' && value !== null && ('type' in value || 'properties' in value))
          return value;
      } catch {
        // Not JSON: prose that starts with a brace.
      }
    }
  }
  return undefined;
}

function readImage(url: string): ChatImage {
  // Hashing the URL string (native SHA-1) is far cheaper than decoding it, and equal images give equal URLs.
  const hash = createHash('sha1').update(url).digest('hex').slice(0, 16);
  const match = /^data:[^,]*;base64,/i.exec(url);
  if (!match) return { hash, size: undefined };
  const start = match[0].length;
  // Headers sit at the start; only a JPEG with huge metadata segments needs the whole image decoded.
  const size =
    decodeImageSize(Buffer.from(url.slice(start, start + HEADER_BASE64_CHARS), 'base64')) ??
    (url.length - start > HEADER_BASE64_CHARS
      ? decodeImageSize(Buffer.from(url.slice(start), 'base64'))
      : undefined);
  return { hash, size };
}
