import type { ResolvedConvertOptions } from '../options.js';
import type { PageRequest } from './page-request.js';

/**
 * The JSON body of one page's `/v1/chat/completions` request: one user message whose content is the
 * page image (a data URL) then the prompt; `model` if set; `temperature`; `max_tokens` (left out when
 * `params` has `max_completion_tokens`, which newer OpenAI models require instead); `stop`;
 * `stream: true` with `stream_options.include_usage` when streaming. `options.params` is spread last,
 * so what the user asked for wins over everything derived here.
 *
 * @example
 * ```ts
 * const body = buildRequestBody(options, { image: { data: png, mimeType: 'image/png' }, prompt: 'Convert this page to docling.' });
 * ```
 */
export function buildRequestBody(
  options: Pick<
    ResolvedConvertOptions,
    'model' | 'temperature' | 'maxTokens' | 'stopStrings' | 'stream' | 'params'
  >,
  request: Pick<PageRequest, 'image' | 'prompt'>,
): Record<string, unknown> {
  const { data, mimeType } = request.image;
  const base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  return {
    ...(options.model === undefined ? {} : { model: options.model }),
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: `data:${mimeType};base64,${base64}` } },
          { type: 'text', text: request.prompt },
        ],
      },
    ],
    temperature: options.temperature,
    ...('max_completion_tokens' in options.params ? {} : { max_tokens: options.maxTokens }),
    ...(options.stopStrings === undefined || options.stopStrings.length === 0
      ? {}
      : { stop: options.stopStrings }),
    ...(options.stream ? { stream: true, stream_options: { include_usage: true } } : { stream: false }),
    ...options.params,
  };
}
