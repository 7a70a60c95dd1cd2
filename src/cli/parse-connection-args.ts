import type { ParseArgsConfig } from 'node:util';
import type { ConvertOptions } from '../options.js';
import { UsageError } from './usage-error.js';

/** Flags shared by `convert` and `bench`: where and how to ask the model, and how to render. */
export const CONNECTION_FLAGS = {
  url: { type: 'string' },
  model: { type: 'string' },
  'api-key': { type: 'string' },
  header: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  'response-format': { type: 'string' },
  prompt: { type: 'string' },
  scale: { type: 'string' },
  'max-size': { type: 'string' },
  'image-format': { type: 'string' },
  'image-quality': { type: 'string' },
  pages: { type: 'string' },
  password: { type: 'string' },
  'max-tokens': { type: 'string' },
  temperature: { type: 'string' },
  timeout: { type: 'string' },
  'connect-timeout': { type: 'string' },
  'first-token-timeout': { type: 'string' },
  'page-timeout': { type: 'string' },
  retries: { type: 'string' },
  'stop-tag': { type: 'string' },
  'max-chars': { type: 'string' },
  'repetition-stop': { type: 'boolean', default: true },
  'enable-remote-services': { type: 'boolean', default: false },
  simulate: { type: 'boolean', default: false },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

type FlagValues = Partial<Record<keyof typeof CONNECTION_FLAGS, string | boolean | string[] | undefined>>;

/**
 * Turn the shared flags (and the environment) into library options. Values are passed on as typed as
 * they can be; the options schema then reports every bad one at once.
 */
export function parseConnectionArgs(
  values: FlagValues,
  env: NodeJS.ProcessEnv = process.env,
): ConvertOptions {
  const string = (name: keyof typeof CONNECTION_FLAGS) => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const options: Record<string, unknown> = {
    url: string('url') ?? nonEmpty(env.PAGESTREAM_URL),
    model: string('model') ?? nonEmpty(env.PAGESTREAM_MODEL),
    apiKey: string('api-key') ?? nonEmpty(env.PAGESTREAM_API_KEY) ?? nonEmpty(env.OPENAI_API_KEY),
    headers: parseHeaders(values.header),
    params: parseParams(values.param),
    responseFormat: string('response-format'),
    prompt: string('prompt'),
    scale: numeric(string('scale')),
    maxSize: numeric(string('max-size')),
    imageFormat: string('image-format'),
    imageQuality: numeric(string('image-quality')),
    pages: string('pages'),
    password: string('password'),
    maxTokens: numeric(string('max-tokens')),
    temperature: numeric(string('temperature')),
    timeout: seconds(string('timeout')),
    connectTimeout: seconds(string('connect-timeout')),
    firstTokenTimeout: seconds(string('first-token-timeout')),
    pageTimeout: seconds(string('page-timeout')),
    retries: numeric(string('retries')),
    maxChars: numeric(string('max-chars')),
    repetitionStop: values['repetition-stop'] !== false,
    enableRemoteServices: values['enable-remote-services'] === true,
  };
  const stopTag = string('stop-tag');
  if (stopTag !== undefined) options.stopTag = stopTag === 'none' ? null : stopTag;
  // Flags not given are left out, so the schema's defaults apply.
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** A number when the text is one; otherwise the text itself, so the schema names the bad value. */
function numeric(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) ? value : text;
}

/** The CLI speaks seconds; the library, milliseconds. */
function seconds(text: string | undefined): number | string | undefined {
  const value = numeric(text);
  return typeof value === 'number' ? value * 1000 : value;
}

function parseHeaders(raw: FlagValues['header']): Record<string, string> | undefined {
  if (!Array.isArray(raw)) return undefined;
  const headers: Record<string, string> = {};
  for (const entry of raw) {
    const colon = entry.indexOf(':');
    // The value may hold a secret: the message shows the name only.
    if (colon <= 0)
      throw new UsageError(`--header: expected "name:value", got a value without a name before ':'`);
    headers[entry.slice(0, colon).trim()] = entry.slice(colon + 1).trim();
  }
  return headers;
}

/** `--param key=json`: the value is JSON (`0.9`, `true`, `{"a":1}`), or taken as a string when it is not. */
function parseParams(raw: FlagValues['param']): Record<string, unknown> | undefined {
  if (!Array.isArray(raw)) return undefined;
  const params: Record<string, unknown> = {};
  for (const entry of raw) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new UsageError(`--param: expected "key=json", got ${JSON.stringify(entry)}`);
    const text = entry.slice(equals + 1);
    try {
      params[entry.slice(0, equals)] = JSON.parse(text) as unknown;
    } catch {
      params[entry.slice(0, equals)] = text;
    }
  }
  return params;
}
