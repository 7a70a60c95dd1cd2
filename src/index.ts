// The public API. Every export is named here; nothing else is public.
export {
  PagestreamError,
  InvalidOptionsError,
  RemoteServicesDisabledError,
  HttpStatusError,
  ConnectionError,
  TimeoutError,
  StreamError,
  IncompleteStreamError,
  InvalidResponseError,
  DocumentError,
  RenderError,
  EmptyAnswerError,
  isRetryable,
} from './errors.js';
export type { ErrorCode, TimeoutKind } from './errors.js';
export { resolveOptions, convertOptionsSchema, DEFAULT_PROMPTS } from './options.js';
export type {
  ConvertOptions,
  ResolvedConvertOptions,
  ResponseFormat,
  ImageFormat,
  Prompt,
  PromptContext,
} from './options.js';
export type { GenerationStopper, StopperContext, StopAt } from './stoppers/generation-stopper.js';
export type { FinishReason, Usage, CompletionResult, CompletionEvent } from './client/completion-result.js';
export type {
  DocumentSource,
  DocumentFormat,
  DocumentBackend,
  OpenDocumentOptions,
  PageInfo,
  PageImage,
  RenderOptions,
} from './backends/document-backend.js';
