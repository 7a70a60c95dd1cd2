import type { ConvertOptions } from '../options.js';

/** Names of the built-in {@link MODEL_PRESETS}. */
export type ModelPresetName =
  | 'granite-docling-vllm'
  | 'granite-docling-ollama'
  | 'smoldocling-vllm'
  | 'qwen-vl-vllm'
  | 'qwen-vl-ollama'
  | 'qwen-vl-openrouter';

/**
 * Options for the models people run for documents, on the servers they run them on. Spread one under
 * your own options (yours win): `{ ...MODEL_PRESETS['granite-docling-vllm'], enableRemoteServices: true }`.
 *
 * - DocTags models (granite-docling, SmolDocling) answer `doctags`, end at `</doctag>`, and on vLLM need
 *   `skip_special_tokens: false` so the DocTags tokens survive detokenization (Ollama keeps them).
 * - Qwen2.5-VL answers Markdown.
 */
export const MODEL_PRESETS: Readonly<Record<ModelPresetName, ConvertOptions>> = {
  'granite-docling-vllm': {
    model: 'vllm/ibm-granite/granite-docling-258M',
    responseFormat: 'doctags',
    stopTag: '</doctag>',
    maxTokens: 8192,
    params: { skip_special_tokens: false },
  },
  'granite-docling-ollama': {
    model: 'ollama/ibm/granite-docling:258m',
    responseFormat: 'doctags',
    stopTag: '</doctag>',
    maxTokens: 8192,
  },
  'smoldocling-vllm': {
    model: 'vllm/ds4sd/SmolDocling-256M-preview',
    responseFormat: 'doctags',
    stopTag: '</doctag>',
    maxTokens: 8192,
    params: { skip_special_tokens: false },
  },
  'qwen-vl-vllm': {
    model: 'vllm/Qwen/Qwen2.5-VL-7B-Instruct',
    responseFormat: 'markdown',
    maxTokens: 8192,
  },
  'qwen-vl-ollama': {
    model: 'ollama/qwen2.5vl:7b',
    responseFormat: 'markdown',
    maxTokens: 8192,
  },
  'qwen-vl-openrouter': {
    model: 'openrouter/qwen/qwen2.5-vl-72b-instruct',
    responseFormat: 'markdown',
    maxTokens: 8192,
  },
};
