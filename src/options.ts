import { z } from 'zod';
import { InvalidOptionsError } from './errors.js';
import type { GenerationStopper } from './stoppers/generation-stopper.js';

/** What the model is asked to produce, and how its answer is decoded. */
export type ResponseFormat = 'doctags' | 'markdown' | 'html' | 'text';
/** Image encoding sent to the model. */
export type ImageFormat = 'png' | 'jpeg' | 'webp';
/** OpenAI vision `detail` of the image part: how finely the server tiles the image. */
export type ImageDetail = 'auto' | 'low' | 'high';
/** What else is sent with a page: nothing, the previous page's image, or the previous page's converted text. */
export type PageContext = 'none' | 'previous-image' | 'previous-text';
/** How an extraction asks for JSON: the server's `response_format`, a prompt embedding the schema, or the first with the second as fallback. */
export type JsonMode = 'json_schema' | 'prompt' | 'auto';
/** A JSON Schema object, as read from a `.json` file. */
export type JsonSchemaObject = Readonly<Record<string, unknown>>;
/** What structured extraction validates against: a zod schema (library) or a JSON Schema object. */
export type ExtractionSchema = z.ZodType | JsonSchemaObject;

/** What a prompt function knows about the page it writes the prompt for. */
export interface PromptContext {
  /** 1-based page number. */
  readonly page: number;
  readonly pageCount: number;
  /** The input's path or name. */
  readonly source: string;
  /** Page size as shown, in points. */
  readonly width: number;
  readonly height: number;
  /** The page's own text layer (PDF), or `undefined` when the backend has none. */
  readonly textLayer: string | undefined;
}

/** A prompt: fixed text, or text built per page. */
export type Prompt = string | ((context: PromptContext) => string | Promise<string>);

/** Default prompts per response format (Docling's own for DocTags and Markdown). */
export const DEFAULT_PROMPTS: Readonly<Record<ResponseFormat, string>> = {
  doctags: 'Convert this page to docling.',
  markdown: 'Convert this page to markdown. Do not miss any text and only output the bare markdown!',
  html: 'Convert this page to HTML. Do not miss any text and only output the bare HTML body content!',
  text: 'Transcribe all the text on this page, in reading order. Output only the text.',
};

const isStopper = (value: unknown): value is GenerationStopper =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as GenerationStopper).name === 'string' &&
  typeof (value as GenerationStopper).shouldStop === 'function';

const isZodSchema = (value: unknown): value is z.ZodType => value instanceof z.ZodType;
const isSchema = (value: unknown): value is ExtractionSchema =>
  isZodSchema(value) || (typeof value === 'object' && value !== null && !Array.isArray(value));

const positiveInt = z.number().int().positive();
const milliseconds = z
  .number()
  .positive()
  .max(2 ** 31 - 1);

/**
 * The single options schema shared by the library and the CLI: the TypeScript counterpart of Docling's
 * `ApiVlmOptions`, plus rendering, stoppers and the remote-services gate.
 */
export const convertOptionsSchema = z.strictObject({
  /** Full chat-completions URL, e.g. `http://127.0.0.1:8000/v1/chat/completions`. */
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  /**
   * Model name sent as `model`. Without `url`, a provider prefix picks the endpoint and key
   * (`openrouter/<org>/<model>`, `openai/`, `azure/<deployment>`, `gemini/`, `ollama/`, `vllm/`,
   * `lmstudio/`; see `resolveProvider`) and is not sent; with `url`, it is sent as given.
   */
  model: z.string().min(1).optional(),
  /** Sent as `Authorization: Bearer <key>`; never printed. */
  apiKey: z.string().min(1).optional(),
  /** Extra request headers. @default {} */
  headers: z.record(z.string(), z.string()).default({}),
  /** Extra body fields; they win over every field pagestream derives (`temperature`, `max_tokens`, ...). @default {} */
  params: z.record(z.string(), z.unknown()).default({}),
  /** Limit on waiting for the next chunk of an answer (and for the first token, unless `firstTokenTimeout` is set), ms. Keep-alive comments do not count. @default 60000 */
  timeout: milliseconds.default(60_000),
  /** Limit on opening the connection, ms. @default 10000 */
  connectTimeout: milliseconds.default(10_000),
  /** Limit on waiting for the first token (prefill and queueing), ms. @default the value of `timeout` */
  firstTokenTimeout: milliseconds.optional(),
  /** Whole-page deadline across all attempts, ms. @default none */
  pageTimeout: milliseconds.optional(),
  /** Page requests in flight at once, shared by all inputs of a run. @default 4 */
  concurrency: positiveInt.max(1024).default(4),
  /** @default 'doctags' */
  responseFormat: z.enum(['doctags', 'markdown', 'html', 'text']).default('doctags'),
  /** Prompt text or a function of the page. @default a prompt for the response format */
  prompt: z
    .union([
      z.string().min(1),
      z.custom<(context: PromptContext) => string | Promise<string>>((v) => typeof v === 'function', {
        error: 'expected a string or a function',
      }),
    ])
    .optional(),
  /** Render scale; 1 = 72 dpi. @default 2 */
  scale: z.number().positive().max(20).default(2),
  /** Longest image edge in pixels. @default none */
  maxSize: positiveInt.min(16).optional(),
  /** @default 'png' */
  imageFormat: z.enum(['png', 'jpeg', 'webp']).default('png'),
  /** JPEG/WebP quality, 1-100. @default 90 */
  imageQuality: z.number().int().min(1).max(100).default(90),
  /** Sampling temperature. @default 0 */
  temperature: z.number().min(0).max(2).default(0),
  /** Generation cap sent as `max_tokens` (or `max_completion_tokens` when given in `params`). @default 4096 */
  maxTokens: positiveInt.default(4096),
  /** Server-side stop strings, sent as `stop`. @default none */
  stopStrings: z.array(z.string().min(1)).max(16).optional(),
  /** Closing-tag stopper text; `null` turns it off. @default '</doctag>' for doctags, none otherwise */
  stopTag: z.string().min(1).nullable().optional(),
  /** Length-cap stopper on generated characters. @default none */
  maxChars: positiveInt.optional(),
  /** Repetition-loop stopper. @default true */
  repetitionStop: z.boolean().default(true),
  /** Extra user-defined stoppers, checked after the built-ins. @default [] */
  stoppers: z
    .array(z.custom<GenerationStopper>(isStopper, { error: 'expected a GenerationStopper' }))
    .default([]),
  /** Retries for 408/409/429/5xx, connection errors and broken streams. @default 3 */
  retries: z.number().int().min(0).max(20).default(3),
  /** Stream answers (needed for stoppers and time to first token). @default true */
  stream: z.boolean().default(true),
  /** Must be `true` before any connection is made. @default false */
  enableRemoteServices: z.boolean().default(false),
  /** Password of encrypted PDFs. */
  password: z.string().optional(),
  /** 1-based pages to convert, e.g. `'1-3,7,10-'` or `[1, 2, 3]`. @default all */
  pages: z.union([z.string().min(1), z.array(positiveInt).min(1)]).optional(),
  /**
   * Base URL of a provider picked by a prefixed `model` (`openrouter/...`, `ollama/...`), e.g.
   * `http://127.0.0.1:11434/v1`; wins over the provider's environment variable and default. Ignored
   * when `url` is set. @default the provider's (see `resolveProvider`)
   */
  apiBase: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  /** Azure OpenAI `api-version` query parameter. @default env AZURE_API_VERSION, else '2024-10-21' */
  apiVersion: z.string().min(1).optional(),
  /** `detail` of the image part (OpenAI vision format); left out of the body when not set. @default none */
  imageDetail: z.enum(['auto', 'low', 'high']).optional(),
  /**
   * Context sent with each page. `'previous-image'`: the previous page's image too (pages still go in
   * parallel). `'previous-text'`: the previous page's converted text, so the pages of one document go
   * one at a time (other documents still run in parallel). @default 'none'
   */
  context: z.enum(['none', 'previous-image', 'previous-text']).default('none'),
  /**
   * Structured extraction: a zod schema or a JSON Schema object. When set, each answer is JSON
   * validated against it and the value lands in `PageResult.data`. @default none
   */
  schema: z
    .custom<ExtractionSchema>(isSchema, { error: 'expected a zod schema or a JSON Schema object' })
    .optional(),
  /**
   * With `schema`: `'page'` extracts one value per page; `'document'` sends every selected page of a
   * document in one request and extracts one value for the document. @default 'page'
   */
  extract: z.enum(['page', 'document']).default('page'),
  /**
   * With `schema`: `'json_schema'` sends `response_format: {type: 'json_schema'}`; `'prompt'` embeds
   * the schema in the prompt; `'auto'` tries the first and falls back to the second when the server
   * answers 400 about `response_format`. @default 'auto'
   */
  jsonMode: z.enum(['json_schema', 'prompt', 'auto']).default('auto'),
});

/** Options as a user passes them (every field optional). */
export type ConvertOptions = z.input<typeof convertOptionsSchema>;
/** Options after validation, with defaults applied. */
export type ResolvedConvertOptions = z.output<typeof convertOptionsSchema>;

/**
 * Validate options once, at the boundary, and apply defaults.
 * @throws InvalidOptionsError naming every bad field, the value given and what was expected.
 */
export function resolveOptions(options: ConvertOptions = {}): ResolvedConvertOptions {
  const parsed = convertOptionsSchema.safeParse(options, { reportInput: true });
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(options)';
    // Secrets never appear in messages, not even when they are the bad value.
    const secret = issue.path[0] === 'apiKey' || issue.path[0] === 'headers';
    // A URL may carry a key in its query (Azure's `?api-key=`): show it without one.
    const input =
      issue.path[0] === 'url' && typeof issue.input === 'string' ? withoutQuery(issue.input) : issue.input;
    const got =
      'input' in issue && issue.code !== 'unrecognized_keys' && !secret ? `; got ${preview(input)}` : '';
    return `  ${path}: ${issue.message}${got}`;
  });
  throw new InvalidOptionsError(`invalid options:\n${lines.join('\n')}`, { cause: parsed.error });
}

function withoutQuery(url: string): string {
  const query = url.search(/[?#]/);
  return query === -1 ? url : `${url.slice(0, query)}?...`;
}

function preview(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}

/** The generation cap a request is sent with: `params` win over `maxTokens`, as in the request body. */
export function generationCap(options: Pick<ResolvedConvertOptions, 'maxTokens' | 'params'>): number {
  const sent = [options.params.max_completion_tokens, options.params.max_tokens].find(
    (value): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0,
  );
  return sent ?? options.maxTokens;
}
