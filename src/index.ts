// The public API of pagestream. Every export is named here; nothing else is public.
// The simulated server has its own entry point: `pagestream/simulate`.

// Conversion: the pipeline and its results.
export { convert, convertAll } from './pipeline/convert.js';
export type { ConversionRun } from './pipeline/convert.js';
export { convertStream } from './pipeline/convert-stream.js';
export type { ConvertInput, ConvertRunOptions } from './pipeline/convert-stream.js';
export type { ConversionEvent, DocumentResult, PageResult } from './pipeline/conversion-event.js';
export { buildRunReport } from './pipeline/build-run-report.js';
export type { RunReport, ReportPage, ReportError } from './pipeline/build-run-report.js';

// Options.
export { resolveOptions, convertOptionsSchema, DEFAULT_PROMPTS } from './options.js';
export type {
  ConvertOptions,
  ResolvedConvertOptions,
  ResponseFormat,
  ImageFormat,
  Prompt,
  PromptContext,
  ImageDetail,
  PageContext,
  JsonMode,
  JsonSchemaObject,
  ExtractionSchema,
} from './options.js';

// Providers: a prefixed model string picks the endpoint, key and body quirks.
export { resolveProvider } from './providers/resolve-provider.js';
export type { ProviderEndpoint } from './providers/resolve-provider.js';
export { applyProvider } from './providers/apply-provider.js';
export { PROVIDER_SPECS, DEFAULT_AZURE_API_VERSION } from './providers/provider-specs.js';
export type { ProviderName, ProviderSpec } from './providers/provider-specs.js';
export { MODEL_PRESETS } from './providers/model-presets.js';
export type { ModelPresetName } from './providers/model-presets.js';

// Structured extraction.
export { compileExtractionSchema } from './extract/compile-extraction-schema.js';
export type { CompiledExtractionSchema } from './extract/compile-extraction-schema.js';
export { buildExtractionPrompt } from './extract/build-extraction-prompt.js';
export type { ExtractionPromptInit } from './extract/build-extraction-prompt.js';
export { parseExtractionAnswer } from './extract/parse-extraction-answer.js';
export type { ParsedExtraction } from './extract/parse-extraction-answer.js';
export { requestExtraction } from './extract/request-extraction.js';
export type { ExtractionRequest, ExtractionOutcome } from './extract/request-extraction.js';

// Errors.
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
  InvalidOutputError,
  UnexpectedError,
  isRetryable,
} from './errors.js';
export type { ErrorCode, TimeoutKind } from './errors.js';

// Generation stoppers.
export type { GenerationStopper, StopperContext, StopAt } from './stoppers/generation-stopper.js';
export { createClosingTagStopper } from './stoppers/create-closing-tag-stopper.js';
export { createMaxLengthStopper } from './stoppers/create-max-length-stopper.js';
export type { MaxLengthStopperOptions } from './stoppers/create-max-length-stopper.js';
export { createRepetitionStopper } from './stoppers/create-repetition-stopper.js';
export type { RepetitionStopperOptions } from './stoppers/create-repetition-stopper.js';
export { createStopStringsStopper } from './stoppers/create-stop-strings-stopper.js';
export { createJsonStopper } from './stoppers/create-json-stopper.js';
export { resolveStoppers } from './stoppers/resolve-stoppers.js';

// The streaming chat client (one page in, one answer out).
export { createChatClient, DEFAULT_STOP_GRACE_MS } from './client/create-chat-client.js';
export type { ChatClientOptions } from './client/create-chat-client.js';
export { buildRequestBody } from './client/build-request-body.js';
export type {
  ChatClient,
  PageRequest,
  CompleteOptions,
  RequestImage,
  JsonSchemaFormat,
} from './client/page-request.js';
export type { FinishReason, Usage, CompletionResult, CompletionEvent } from './client/completion-result.js';

// Documents and rendering.
export { openDocument } from './backends/open-document.js';
export { installNativeImageDecoder } from './backends/native-image-decoder.js';
export type { OpenDocumentWithPoolOptions } from './backends/open-document.js';
export type {
  DocumentSource,
  DocumentFormat,
  DocumentBackend,
  OpenDocumentOptions,
  PageInfo,
  PageImage,
  RenderOptions,
} from './backends/document-backend.js';
export { createRenderPool } from './render/render-pool.js';
export type { RenderPool, RenderPoolOptions } from './render/render-pool.js';
export { renderToDirectory } from './render/render-to-directory.js';
export type { RenderToDirectoryOptions, RenderReport } from './render/render-to-directory.js';

// Decoding answers and exporting documents.
export { decodeAnswer } from './decoders/decode-answer.js';
export { decodeDocTags, decodeDocTagsDocument } from './decoders/decode-doctags.js';
export { decodeMarkdown } from './decoders/decode-markdown.js';
export { decodeHtml } from './decoders/decode-html.js';
export { decodeText } from './decoders/decode-text.js';
export { exportDocument } from './decoders/export-document.js';
export type { ExportFormat } from './decoders/export-document.js';
export { exportMarkdown } from './decoders/export-markdown.js';
export type { MarkdownExportOptions } from './decoders/export-markdown.js';
export { exportHtml } from './decoders/export-html.js';
export type { HtmlExportOptions } from './decoders/export-html.js';
export { exportDocTags } from './decoders/export-doctags.js';
export { exportJson } from './decoders/export-json.js';
export type {
  ConvertedDocument,
  DocumentPage,
  DocItem,
  PageRef,
  BoundingBox,
  TableCell,
  TableData,
  ListEntry,
} from './decoders/document-model.js';

// Benchmarking concurrency settings.
export { runBench } from './bench/run-bench.js';
export type { BenchRun, BenchOptions, BenchProgress } from './bench/run-bench.js';
export { summarizeBench } from './bench/summarize-bench.js';
export type { BenchReport, BenchLevel } from './bench/summarize-bench.js';
export { renderBenchChart } from './bench/render-bench-chart.js';
