/** Providers a prefixed model string can name (`openrouter/...`, `ollama/...`). */
export type ProviderName = 'openrouter' | 'openai' | 'azure' | 'gemini' | 'ollama' | 'vllm' | 'lmstudio';

/** How to reach one provider: where, with which key, and what its server needs in the body. */
export interface ProviderSpec {
  /** Environment variables holding the base URL, first set wins (after the `apiBase` option). */
  readonly baseEnv: readonly string[];
  /** Base URL when neither the option nor the environment gives one; `undefined`: one is required. */
  readonly defaultBase: string | undefined;
  /** Environment variables holding the key, first set wins (after the `apiKey` option). */
  readonly keyEnv: readonly string[];
  /** A local server runs without a key; a hosted one refuses to start without it. */
  readonly keyRequired: boolean;
}

/**
 * The providers and their conventions (litellm's variable names, so existing setups carry over). Local
 * servers default to their usual port on 127.0.0.1.
 */
export const PROVIDER_SPECS: Readonly<Record<ProviderName, ProviderSpec>> = {
  openrouter: {
    baseEnv: ['OPENROUTER_API_BASE'],
    defaultBase: 'https://openrouter.ai/api/v1',
    keyEnv: ['OPENROUTER_API_KEY'],
    keyRequired: true,
  },
  openai: {
    baseEnv: ['OPENAI_API_BASE', 'OPENAI_BASE_URL'],
    defaultBase: 'https://api.openai.com/v1',
    keyEnv: ['OPENAI_API_KEY'],
    keyRequired: true,
  },
  azure: {
    baseEnv: ['AZURE_API_BASE'],
    defaultBase: undefined,
    keyEnv: ['AZURE_API_KEY'],
    keyRequired: true,
  },
  gemini: {
    baseEnv: ['GEMINI_API_BASE'],
    defaultBase: 'https://generativelanguage.googleapis.com/v1beta/openai',
    keyEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    keyRequired: true,
  },
  ollama: {
    baseEnv: ['OLLAMA_API_BASE'],
    defaultBase: 'http://127.0.0.1:11434/v1',
    keyEnv: [],
    keyRequired: false,
  },
  vllm: {
    baseEnv: ['VLLM_API_BASE'],
    defaultBase: 'http://127.0.0.1:8000/v1',
    keyEnv: ['VLLM_API_KEY'],
    keyRequired: false,
  },
  lmstudio: {
    baseEnv: ['LM_STUDIO_API_BASE'],
    defaultBase: 'http://127.0.0.1:1234/v1',
    keyEnv: ['LM_STUDIO_API_KEY'],
    keyRequired: false,
  },
};

/** Azure's `api-version` when neither `apiVersion` nor `AZURE_API_VERSION` is set: a GA version. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';
