import type { ResolvedConvertOptions } from '../options.js';
import type { PageRequest, RequestImage } from './page-request.js';

/**
 * The JSON body of one page's `/v1/chat/completions` request: one user message whose content is the
 * context text (if any), the context images (if any, each after its label), the page image (a data
 * URL, after its label if it has one), then the prompt; `model` if set; `temperature`; `max_tokens`
 * (left out when `params` has `max_completion_tokens`, which newer OpenAI models require instead);
 * `stop`; `response_format` when the request asks for JSON matching a schema; `stream: true` with
 * `stream_options.include_usage` when streaming. Every image part carries `detail` when
 * `imageDetail` is set. `options.params` is spread last, so what the user asked for wins over
 * everything derived here.
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
  > &
    Partial<Pick<ResolvedConvertOptions, 'imageDetail'>>,
  request: Pick<PageRequest, 'image' | 'prompt'> &
    Partial<Pick<PageRequest, 'contextImages' | 'contextText' | 'jsonSchema'>>,
): Record<string, unknown> {
  const detail = options.imageDetail;
  const imageParts = (image: RequestImage): Record<string, unknown>[] => {
    const { data, mimeType, label } = image;
    const base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
    const url = `data:${mimeType};base64,${base64}`;
    return [
      ...(label === undefined ? [] : [{ type: 'text', text: label }]),
      { type: 'image_url', image_url: detail === undefined ? { url } : { url, detail } },
    ];
  };
  const { contextText, contextImages = [], jsonSchema } = request;
  return {
    ...(options.model === undefined ? {} : { model: options.model }),
    messages: [
      {
        role: 'user',
        content: [
          ...(contextText === undefined ? [] : [{ type: 'text', text: contextText }]),
          ...contextImages.flatMap(imageParts),
          ...imageParts(request.image),
          { type: 'text', text: request.prompt },
        ],
      },
    ],
    temperature: options.temperature,
    ...('max_completion_tokens' in options.params ? {} : { max_tokens: options.maxTokens }),
    ...(options.stopStrings === undefined || options.stopStrings.length === 0
      ? {}
      : { stop: options.stopStrings }),
    ...(jsonSchema === undefined
      ? {}
      : {
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: jsonSchema.name,
              schema: jsonSchema.schema,
              strict: jsonSchema.strict ?? false,
            },
          },
        }),
    ...(options.stream ? { stream: true, stream_options: { include_usage: true } } : { stream: false }),
    ...options.params,
  };
}
