/** What {@link buildExtractionPrompt} writes the prompt for. */
export interface ExtractionPromptInit {
  /** The JSON Schema the answer must match. */
  readonly jsonSchema: Readonly<Record<string, unknown>>;
  /** `true` to embed the schema (servers without `response_format`); `false` when the server enforces it. */
  readonly embedSchema: boolean;
  /** One page, or every page of a document in one request. */
  readonly scope: 'page' | 'document';
  /** The user's own instructions, put first. */
  readonly instructions?: string | undefined;
  /** What was wrong with the previous answer, for the one retry. */
  readonly issues?: readonly string[] | undefined;
}

/**
 * The prompt of an extraction request. When the server cannot enforce the schema, the schema is
 * embedded in the prompt (as OmniDocs does), with the instruction to answer with bare JSON only; on the
 * retry, the previous answer's validation errors are listed so the model can correct them.
 *
 * @example
 * ```ts
 * buildExtractionPrompt({ jsonSchema, embedSchema: true, scope: 'page' });
 * ```
 */
export function buildExtractionPrompt(init: ExtractionPromptInit): string {
  const what = init.scope === 'page' ? 'this page' : 'this document (its pages are the images, in order)';
  const lines: string[] = [];
  if (init.instructions !== undefined) lines.push(init.instructions, '');
  lines.push(`Extract the data from ${what} as JSON.`);
  if (init.embedSchema) {
    lines.push(
      'The JSON must match this JSON Schema:',
      JSON.stringify(init.jsonSchema),
      'Answer with the JSON value only: no code fence, no explanation. Use null for values the page does not show, when the schema allows it.',
    );
  } else {
    lines.push('Answer with the JSON value only.');
  }
  if (init.issues !== undefined && init.issues.length > 0) {
    lines.push(
      '',
      'Your previous answer was rejected for these reasons; answer again, fixing them:',
      ...init.issues.map((issue) => `- ${issue}`),
    );
  }
  return lines.join('\n');
}
