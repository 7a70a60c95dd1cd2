import { z } from 'zod';
import { InvalidOptionsError } from '../errors.js';
import type { ExtractionSchema } from '../options.js';

/** An extraction schema in both directions: JSON Schema for the request, zod for validating answers. */
export interface CompiledExtractionSchema {
  /** Name sent in `response_format.json_schema.name`: the schema's `title`, else `extraction`. */
  readonly name: string;
  /** The JSON Schema sent to the server and embedded in fallback prompts. */
  readonly jsonSchema: Readonly<Record<string, unknown>>;
  /** Validates (and, for zod schemas, transforms) an answer's parsed JSON. */
  readonly validator: z.ZodType;
}

/**
 * Turn a zod schema (`z.toJSONSchema` gives the JSON Schema) or a JSON Schema object (zod 4's
 * `z.fromJSONSchema` gives the validator) into both forms, once per run.
 *
 * @throws InvalidOptionsError when the schema cannot be converted (e.g. a zod transform with no JSON
 *   Schema form, or a JSON Schema zod cannot read).
 * @example
 * ```ts
 * const compiled = compileExtractionSchema(z.object({ title: z.string() }));
 * ```
 */
export function compileExtractionSchema(schema: ExtractionSchema): CompiledExtractionSchema {
  try {
    if (schema instanceof z.ZodType) {
      // `io: 'input'`: the model writes what the schema reads, before any transform.
      const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, {
        io: 'input',
        unrepresentable: 'any',
      });
      return { name: nameOf(jsonSchema), jsonSchema, validator: schema };
    }
    const validator = z.fromJSONSchema(schema);
    const { $schema: _dialect, ...jsonSchema } = schema;
    return { name: nameOf(jsonSchema), jsonSchema, validator };
  } catch (error) {
    throw new InvalidOptionsError(
      `schema: cannot be used for extraction: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

function nameOf(schema: Readonly<Record<string, unknown>>): string {
  const title = typeof schema.title === 'string' ? schema.title.replace(/[^\w-]+/g, '_').slice(0, 64) : '';
  return title === '' ? 'extraction' : title;
}
