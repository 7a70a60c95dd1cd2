import { InvalidOptionsError } from '../errors.js';

/** A command line that cannot run: exit 2, nothing sent. */
export class UsageError extends InvalidOptionsError {}

/** Library option names as the CLI spells them, so validation errors name the flag the user typed. */
const FLAG_NAMES: Readonly<Record<string, string>> = {
  url: '--url',
  model: '--model',
  apiKey: '--api-key',
  headers: '--header',
  params: '--param',
  timeout: '--timeout',
  connectTimeout: '--connect-timeout',
  firstTokenTimeout: '--first-token-timeout',
  pageTimeout: '--page-timeout',
  concurrency: '--concurrency',
  responseFormat: '--response-format',
  prompt: '--prompt',
  scale: '--scale',
  maxSize: '--max-size',
  imageFormat: '--image-format',
  imageQuality: '--image-quality',
  temperature: '--temperature',
  maxTokens: '--max-tokens',
  stopTag: '--stop-tag',
  maxChars: '--max-chars',
  retries: '--retries',
  password: '--password',
  pages: '--pages',
  imageDetail: '--detail',
  context: '--context',
  schema: '--schema',
  extract: '--extract',
  jsonMode: '--json-mode',
  apiBase: '--api-base',
  apiVersion: '--api-version',
};

/** Rewrite an options error so each line names the CLI flag instead of the library field. */
export function toFlagError(error: InvalidOptionsError): UsageError {
  const message = error.message.replace(
    /^( {2})(\w+)(?=[.:])/gm,
    (_, indent: string, field: string) => `${indent}${FLAG_NAMES[field] ?? field}`,
  );
  return new UsageError(message, { cause: error });
}
