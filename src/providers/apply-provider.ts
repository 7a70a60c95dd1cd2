import { RemoteServicesDisabledError } from '../errors.js';
import type { ResolvedConvertOptions } from '../options.js';
import { resolveProvider } from './resolve-provider.js';

/**
 * The run's options with a prefixed model resolved to its provider (`url`, bare `model`, key, headers
 * and params quirks; see {@link resolveProvider}); unchanged when `url` is set or the model has no
 * provider prefix.
 *
 * The remote-services gate is checked first, before any secret is read from the environment.
 *
 * @throws RemoteServicesDisabledError unless `options.enableRemoteServices` is true.
 * @throws InvalidOptionsError naming the variable to set when a provider's key or base URL is missing.
 * @example
 * ```ts
 * const options = applyProvider(resolveOptions({ model: 'ollama/qwen2.5vl:7b', enableRemoteServices: true }));
 * const client = createChatClient(options);
 * ```
 */
export function applyProvider(
  options: ResolvedConvertOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConvertOptions {
  if (!options.enableRemoteServices) throw new RemoteServicesDisabledError();
  const endpoint = resolveProvider(options, env);
  if (endpoint === undefined) return options;
  const { url, model, apiKey, headers, params } = endpoint;
  const { apiKey: _ignored, ...rest } = options;
  return { ...rest, url, model, headers, params, ...(apiKey === undefined ? {} : { apiKey }) };
}
