import type { CompletionResult } from '../client/completion-result.js';
import type { ChatClient, CompleteOptions, PageRequest } from '../client/page-request.js';
import { HttpStatusError, InvalidOutputError } from '../errors.js';
import type { JsonMode } from '../options.js';
import { createJsonStopper } from '../stoppers/create-json-stopper.js';
import type { GenerationStopper } from '../stoppers/generation-stopper.js';
import { buildExtractionPrompt } from './build-extraction-prompt.js';
import type { CompiledExtractionSchema } from './compile-extraction-schema.js';
import { parseExtractionAnswer } from './parse-extraction-answer.js';

/** What {@link requestExtraction} sends: the page (or pages) and how to ask. */
export interface ExtractionRequest {
  /** The request without prompt, stoppers or schema: the images and any context. */
  readonly request: Omit<PageRequest, 'prompt' | 'stoppers' | 'jsonSchema'>;
  readonly schema: CompiledExtractionSchema;
  readonly jsonMode: JsonMode;
  readonly scope: 'page' | 'document';
  /** The user's own prompt, put before the extraction instructions. */
  readonly instructions?: string | undefined;
  /** Stoppers watching each answer besides the JSON stopper (which always comes first). */
  readonly stoppers: readonly GenerationStopper[];
  /**
   * Shared by the pages of a run in `auto` mode: once the server has refused `response_format`, later
   * pages go straight to the prompt instead of each paying a refused request.
   */
  readonly fallback?: { refused: boolean } | undefined;
}

/** The outcome of an extraction: the validated value, or the error of an answer that never validated. */
export interface ExtractionOutcome {
  /** Every answer, in order (one, or two when the first did not validate). */
  readonly completions: readonly [CompletionResult, ...CompletionResult[]];
  /** `'prompt'` when the schema went in the prompt (asked for, or after the server refused `response_format`). */
  readonly mode: 'json_schema' | 'prompt';
  /** Present on success: the value as the validator returned it. */
  readonly data?: unknown;
  /** Present when the last answer still did not validate. */
  readonly error?: InvalidOutputError;
}

/**
 * Ask for JSON matching a schema and validate it. In `json_schema` mode the request carries
 * `response_format: {type: 'json_schema'}`; in `prompt` mode the schema is embedded in the prompt; in
 * `auto` mode a 400 (or 422) whose message mentions `response_format` (or `json_schema`, `guided`,
 * `structured`) switches to the prompt and sends again. Each answer is watched by a JSON stopper,
 * which ends it as soon as the top-level value is complete. An answer that is not JSON or does not
 * match the schema is asked for once more, with the issues listed in the prompt; if that one fails
 * too, the outcome carries an {@link InvalidOutputError}.
 *
 * @throws what `client.complete` throws (HTTP errors other than the fallback, timeouts, aborts).
 */
export async function requestExtraction(
  client: ChatClient,
  extraction: ExtractionRequest,
  options: CompleteOptions = {},
): Promise<ExtractionOutcome> {
  const { schema, scope, instructions } = extraction;
  const { fallback } = extraction;
  let mode: 'json_schema' | 'prompt' =
    extraction.jsonMode === 'prompt' || (extraction.jsonMode === 'auto' && fallback?.refused === true)
      ? 'prompt'
      : 'json_schema';
  let issues: readonly string[] | undefined;
  const completions: CompletionResult[] = [];
  for (;;) {
    const request: PageRequest = {
      ...extraction.request,
      prompt: buildExtractionPrompt({
        jsonSchema: schema.jsonSchema,
        embedSchema: mode === 'prompt',
        scope,
        instructions,
        issues,
      }),
      // A new JSON stopper per answer: it holds the state of the answer it watches.
      stoppers: [createJsonStopper(), ...extraction.stoppers],
      ...(mode === 'json_schema' ? { jsonSchema: { name: schema.name, schema: schema.jsonSchema } } : {}),
    };
    let completion: CompletionResult;
    try {
      completion = await client.complete(request, options);
    } catch (error) {
      if (extraction.jsonMode === 'auto' && mode === 'json_schema' && refusesResponseFormat(error)) {
        mode = 'prompt';
        if (fallback) fallback.refused = true;
        continue;
      }
      throw error;
    }
    completions.push(completion);
    const parsed = parseExtractionAnswer(completion.text, schema.validator);
    const all = completions as [CompletionResult, ...CompletionResult[]];
    if (parsed.ok) return { completions: all, mode, data: parsed.data };
    if (issues !== undefined) {
      const error = new InvalidOutputError(
        `the answer did not match the schema after a retry: ${parsed.issues.slice(0, 3).join('; ')}`,
        parsed.issues,
      );
      return { completions: all, mode, error };
    }
    issues = parsed.issues;
  }
}

/** A server that does not support `response_format` (or this schema in it) answers 400 naming it. */
function refusesResponseFormat(error: unknown): boolean {
  return (
    error instanceof HttpStatusError &&
    (error.status === 400 || error.status === 422) &&
    /response_format|json_schema|guided|structured/i.test(error.serverMessage ?? '')
  );
}
