import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import type { ConvertOptions } from '../options.js';
import { MODEL_PRESETS } from '../providers/model-presets.js';
import { PROVIDER_SPECS } from '../providers/provider-specs.js';
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
  'api-base': { type: 'string' },
  'api-version': { type: 'string' },
  preset: { type: 'string' },
  detail: { type: 'string' },
  context: { type: 'string' },
  schema: { type: 'string' },
  extract: { type: 'string' },
  'json-mode': { type: 'string' },
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
  const presetName = string('preset');
  if (presetName !== undefined && !Object.hasOwn(MODEL_PRESETS, presetName)) {
    throw new UsageError(
      `--preset: expected one of ${Object.keys(MODEL_PRESETS).join(', ')}; got ${JSON.stringify(presetName)}`,
    );
  }
  const preset: Record<string, unknown> =
    presetName === undefined ? {} : { ...MODEL_PRESETS[presetName as keyof typeof MODEL_PRESETS] };
  const url = string('url') ?? nonEmpty(env.PAGESTREAM_URL);
  const model = string('model') ?? nonEmpty(env.PAGESTREAM_MODEL) ?? (preset.model as string | undefined);
  // A provider-prefixed model reads its own provider's key (OPENROUTER_API_KEY, ...) when resolved,
  // behind the remote-services gate; OPENAI_API_KEY must not be sent to another provider.
  const prefixed =
    url === undefined && model !== undefined && Object.hasOwn(PROVIDER_SPECS, model.split('/', 1)[0] ?? '');
  const options: Record<string, unknown> = {
    url,
    model,
    apiKey:
      string('api-key') ??
      nonEmpty(env.PAGESTREAM_API_KEY) ??
      (prefixed ? undefined : nonEmpty(env.OPENAI_API_KEY)),
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
    apiBase: string('api-base'),
    apiVersion: string('api-version'),
    imageDetail: string('detail'),
    context: string('context'),
    schema: readSchema(string('schema')),
    extract: string('extract'),
    jsonMode: string('json-mode'),
  };
  // Preset fields apply where no flag was given; its params go under the user's own.
  for (const [key, value] of Object.entries(preset)) {
    if (key === 'params')
      options.params = { ...(value as object), ...(options.params as object | undefined) };
    else if (options[key] === undefined) options[key] = value;
  }
  const stopTag = string('stop-tag');
  if (stopTag !== undefined) options.stopTag = stopTag === 'none' ? null : stopTag;
  // Flags not given are left out, so the schema's defaults apply.
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** `--schema <file.json>`: a JSON Schema file, read at once so a bad path is a usage error. */
function readSchema(file: string | undefined): Record<string, unknown> | undefined {
  if (file === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `--schema: cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`--schema: ${file} does not hold a JSON Schema object`);
  return value as Record<string, unknown>;
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
