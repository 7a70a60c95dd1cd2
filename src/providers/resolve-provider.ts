import { InvalidOptionsError } from '../errors.js';
import type { ResolvedConvertOptions } from '../options.js';
import { DEFAULT_AZURE_API_VERSION, PROVIDER_SPECS, type ProviderName } from './provider-specs.js';

/** Where and how to send requests for a prefixed model string. */
export interface ProviderEndpoint {
  readonly provider: ProviderName;
  /** The full chat-completions URL (with `?api-version=` for Azure). */
  readonly url: string;
  /** The model name without its provider prefix: what is sent as `model`. */
  readonly model: string;
  /** Sent as `Authorization: Bearer`; `undefined` for Azure (its key goes in `headers`) and keyless local servers. */
  readonly apiKey: string | undefined;
  /** The run's headers, plus Azure's `api-key`; the user's own headers win. */
  readonly headers: Readonly<Record<string, string>>;
  /** The run's params with the provider's quirks applied; the user's own params win. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** Models of OpenAI's that refuse `max_tokens` and want `max_completion_tokens`. */
const COMPLETION_TOKENS_MODEL = /^(gpt-5|gpt-4\.1|o\d)/i;
/** OpenAI's reasoning models: they accept only the default temperature. */
const REASONING_MODEL = /^(gpt-5(?!-chat)|o\d)/i;

/**
 * Map a prefixed model string to its provider's endpoint, key and body quirks:
 *
 * | model | URL | key |
 * | --- | --- | --- |
 * | `openrouter/<org>/<model>` | `https://openrouter.ai/api/v1/chat/completions` | `OPENROUTER_API_KEY` |
 * | `openai/<model>` | `https://api.openai.com/v1/chat/completions` | `OPENAI_API_KEY` |
 * | `azure/<deployment>` | `<AZURE_API_BASE>/openai/deployments/<deployment>/chat/completions?api-version=<v>` | `AZURE_API_KEY`, sent as `api-key` |
 * | `gemini/<model>` | `https://generativelanguage.googleapis.com/v1beta/openai/chat/completions` | `GEMINI_API_KEY`, else `GOOGLE_API_KEY` |
 * | `ollama/<model>` | `http://127.0.0.1:11434/v1/chat/completions` | none |
 * | `vllm/<model>` | `http://127.0.0.1:8000/v1/chat/completions` | `VLLM_API_KEY` if set |
 * | `lmstudio/<model>` | `http://127.0.0.1:1234/v1/chat/completions` | `LM_STUDIO_API_KEY` if set |
 *
 * The base URL comes from the `apiBase` option, else the provider's variable (`OPENROUTER_API_BASE`,
 * `OPENAI_API_BASE`/`OPENAI_BASE_URL`, `AZURE_API_BASE`, `GEMINI_API_BASE`, `OLLAMA_API_BASE`,
 * `VLLM_API_BASE`, `LM_STUDIO_API_BASE`), else the default above. The `apiKey` option wins over the
 * environment. Azure's version is `apiVersion`, else `AZURE_API_VERSION`, else `2024-10-21`.
 *
 * Quirks (explicit `params` always win): OpenAI's newer models (`gpt-5*`, `gpt-4.1*`, `o1*`, `o3*`,
 * `o4*`) get `max_completion_tokens` instead of `max_tokens`, and the reasoning ones no `temperature`
 * (they accept only the default); Ollama gets `max_tokens` only, because it ignores
 * `max_completion_tokens` and would generate without a bound, so a `max_completion_tokens` param is
 * sent as `max_tokens`; vLLM with DocTags gets `skip_special_tokens: false` so the DocTags tokens
 * survive detokenization.
 *
 * Returns `undefined` when `url` is set (the model is then sent as given) or the model has no known
 * prefix. Call it only behind the remote-services gate: it reads secrets from `env`.
 *
 * @throws InvalidOptionsError naming the variable to set when a hosted provider's key (or Azure's base
 *   URL) is missing; no value is ever printed.
 * @example
 * ```ts
 * const endpoint = resolveProvider(resolveOptions({ model: 'openrouter/qwen/qwen2.5-vl-72b-instruct' }));
 * // endpoint.url === 'https://openrouter.ai/api/v1/chat/completions', endpoint.model === 'qwen/qwen2.5-vl-72b-instruct'
 * ```
 */
export function resolveProvider(
  options: Pick<
    ResolvedConvertOptions,
    | 'url'
    | 'model'
    | 'apiKey'
    | 'apiBase'
    | 'apiVersion'
    | 'headers'
    | 'params'
    | 'maxTokens'
    | 'responseFormat'
  >,
  env: NodeJS.ProcessEnv = process.env,
): ProviderEndpoint | undefined {
  if (options.url !== undefined || options.model === undefined) return undefined;
  const slash = options.model.indexOf('/');
  if (slash <= 0) return undefined;
  const prefix = options.model.slice(0, slash).toLowerCase();
  if (!Object.hasOwn(PROVIDER_SPECS, prefix)) return undefined;
  const provider = prefix as ProviderName;
  const spec = PROVIDER_SPECS[provider];
  const model = options.model.slice(slash + 1);
  if (model === '') {
    throw new InvalidOptionsError(`model: "${prefix}/" names no model; expected ${prefix}/<model>`);
  }

  const base = (options.apiBase ?? firstSet(env, spec.baseEnv) ?? spec.defaultBase)?.replace(/\/+$/, '');
  if (base === undefined) {
    throw new InvalidOptionsError(
      `model: ${prefix}/ needs the resource's base URL: set ${spec.baseEnv.join(' or ')} (e.g. https://<resource>.openai.azure.com) or pass apiBase`,
    );
  }
  const key = options.apiKey ?? firstSet(env, spec.keyEnv);
  if (key === undefined && spec.keyRequired) {
    throw new InvalidOptionsError(
      `model: ${prefix}/ needs an API key: set ${spec.keyEnv.join(' or ')} (or pass apiKey / --api-key)`,
    );
  }

  let url = `${base}/chat/completions`;
  let headers: Record<string, string> = { ...options.headers };
  let apiKey = key;
  const params: Record<string, unknown> = { ...options.params };
  const has = (name: string) => Object.hasOwn(options.params, name);
  if (provider === 'azure') {
    const version = options.apiVersion ?? firstSet(env, ['AZURE_API_VERSION']) ?? DEFAULT_AZURE_API_VERSION;
    url = `${base}/openai/deployments/${encodeURIComponent(model)}/chat/completions?api-version=${encodeURIComponent(version)}`;
    // Inserted first: the client lower-cases names in order, so a user's own `Api-Key` header wins.
    if (key !== undefined) headers = { 'api-key': key, ...headers };
    apiKey = undefined;
  }
  if (provider === 'openai' && COMPLETION_TOKENS_MODEL.test(model)) {
    if (!has('max_tokens') && !has('max_completion_tokens')) params.max_completion_tokens = options.maxTokens;
    // `undefined` drops the field from the JSON body: these models reject any temperature but 1.
    if (REASONING_MODEL.test(model) && !has('temperature')) params.temperature = undefined;
  }
  if (provider === 'ollama' && has('max_completion_tokens')) {
    if (!has('max_tokens')) params.max_tokens = params.max_completion_tokens;
    delete params.max_completion_tokens;
  }
  if (provider === 'vllm' && options.responseFormat === 'doctags' && !has('skip_special_tokens')) {
    params.skip_special_tokens = false;
  }
  return { provider, url, model, apiKey, headers, params };
}

function firstSet(env: NodeJS.ProcessEnv, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}
