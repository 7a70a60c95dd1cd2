import { InvalidResponseError, StreamError } from '../errors.js';
import type { FinishReason, Usage } from './completion-result.js';

/**
 * Folds an answer's chunks (streamed `chat.completion.chunk`s, or one non-streamed `chat.completion`)
 * into text, finish reason, usage and model, reading only the fields it needs and tolerating what the
 * servers in ../shared/fixtures/sse do:
 *
 * - `content` as a string, `null`, or an array of parts (only `type: 'text'` parts count; Mistral's
 *   `thinking` parts never do); reasoning fields (`reasoning`, `reasoning_content`, ...) are ignored;
 * - `refusal` text is kept apart from the answer;
 * - `finish_reason` on any chunk, repeated, or followed by more chunks: the last non-null one wins;
 * - `usage` on any chunk, `choices: []` or not, or on every chunk: the last non-null one wins;
 * - an `error` object inside a chunk is a {@link StreamError}, even after a finish reason: OpenRouter
 *   sends `finish_reason: "length"` and then `error: "Token limit reached"`, and an answer the
 *   server itself calls failed is not one to keep.
 */
export class CompletionAccumulator {
  #finishReason: string | undefined;
  #usage: Record<string, unknown> | undefined;
  #model: string | undefined;
  #refusal = '';

  /**
   * Read one chunk (or a whole non-streamed completion).
   * @returns the content text it adds ('' for none).
   * @throws StreamError when the chunk carries an error; InvalidResponseError when it is not an object.
   */
  add(chunk: unknown): string {
    if (!isRecord(chunk)) throw new InvalidResponseError('a stream chunk was not a JSON object');
    if (chunk.error !== undefined && chunk.error !== null) throw toStreamError(chunk.error);
    if (typeof chunk.model === 'string' && chunk.model !== '') this.#model = chunk.model;
    if (isRecord(chunk.usage)) this.#usage = chunk.usage;
    if (!Array.isArray(chunk.choices)) return '';
    let text = '';
    for (const choice of chunk.choices as unknown[]) {
      if (!isRecord(choice)) continue;
      // One page, one answer: only the first choice (n > 1 in params would be the user's business).
      if (choice.index !== undefined && choice.index !== 0) continue;
      const message = isRecord(choice.delta) ? choice.delta : isRecord(choice.message) ? choice.message : {};
      text += textOf(message.content);
      if (typeof message.refusal === 'string') this.#refusal += message.refusal;
      if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') {
        this.#finishReason = choice.finish_reason;
      }
    }
    return text;
  }

  /** The server's finish reason, as sent, if any. */
  get rawFinishReason(): string | undefined {
    return this.#finishReason;
  }

  /** Refusal text the model sent instead of an answer ('' for none). */
  get refusal(): string {
    return this.#refusal;
  }

  get model(): string | null {
    return this.#model ?? null;
  }

  /** True once the server reported usage. */
  get hasUsage(): boolean {
    return this.#usage !== undefined;
  }

  /**
   * The finish reason in pagestream's terms: `length` for length caps, `content_filter` for filtered
   * answers and refusals without content, `stop` for everything else (`eos`, `tool_calls`, none).
   */
  finishReason(text: string): Exclude<FinishReason, 'error' | 'stopper'> {
    if (text === '' && this.#refusal !== '') return 'content_filter';
    switch (this.#finishReason) {
      case 'length':
      case 'max_tokens':
      case 'model_length':
        return 'length';
      case 'content_filter':
        return 'content_filter';
      default:
        return 'stop';
    }
  }

  /** Usage as the server reported it, else counted here from `deltas` (one content delta = about one token). */
  usage(deltas: number): Usage {
    const usage = this.#usage;
    if (usage === undefined) return { promptTokens: null, completionTokens: deltas, source: 'local' };
    const count = (value: unknown): number | null =>
      typeof value === 'number' && Number.isFinite(value) ? value : null;
    return {
      promptTokens: count(usage.prompt_tokens ?? usage.input_tokens),
      completionTokens: count(usage.completion_tokens ?? usage.output_tokens),
      source: 'server',
    };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content as unknown[]) {
    if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') text += part.text;
  }
  return text;
}

/** A {@link StreamError} from an error object (or string) a server sent inside a stream. */
export function toStreamError(error: unknown): StreamError {
  if (typeof error === 'string') return new StreamError(error);
  if (!isRecord(error)) return new StreamError(JSON.stringify(error));
  const message =
    typeof error.message === 'string'
      ? error.message
      : isRecord(error.error) && typeof error.error.message === 'string'
        ? error.error.message
        : JSON.stringify(error);
  const inner = isRecord(error.error) ? error.error : error;
  const status = [inner.status_code, inner.http_status_code, inner.status, inner.code].find(
    (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599,
  );
  return new StreamError(message, status);
}
