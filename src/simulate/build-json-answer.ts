import { pick, randomInt, type Random } from './create-random.js';
import type { SimulatedAnswer } from './build-answer.js';

/** What {@link buildJsonAnswer} needs to know. */
export interface BuildJsonAnswerInit {
  /** The JSON Schema the answer should match (from `response_format` or the prompt). */
  readonly schema: unknown;
  /** Image size in pixels, when the request carried a readable image: strings name it. */
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  /** Seeded from the page, so the same page always gets the same answer. */
  readonly random: Random;
  /** Answer text that is not valid JSON (the `invalid-json` fault). @default false */
  readonly invalid?: boolean | undefined;
}

const WORDS = 'page total invoice report summary revenue table figure date name value item section'.split(
  ' ',
);
/** Depth beyond which a recursive schema gets `null`: the answer stays finite. */
const MAX_DEPTH = 8;

/**
 * A deterministic JSON answer that fits a JSON Schema: objects with every property, strings from page
 * words (the first names the image size, so tests can tell pages apart), integers and numbers within
 * their bounds, booleans, arrays of 1-3 items, the first `enum`/`const` value, the first non-null
 * `anyOf`/`oneOf` branch. Cut into small tokens so it streams like a model's answer. With `invalid`,
 * the answer is half a JSON object behind a sentence, as a model that rambles writes it.
 */
export function buildJsonAnswer(init: BuildJsonAnswerInit): SimulatedAnswer {
  const size =
    init.width !== undefined && init.height !== undefined ? `${init.width}x${init.height}` : 'no image';
  let strings = 0;
  const generate = (schema: unknown, depth: number): unknown => {
    if (typeof schema !== 'object' || schema === null || depth > MAX_DEPTH) return null;
    const s = schema as Record<string, unknown>;
    if ('const' in s) return s.const;
    if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0] as unknown;
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = s[key];
      if (Array.isArray(branches) && branches.length > 0) {
        const branch: unknown =
          (branches as unknown[]).find((b) => (b as { type?: unknown }).type !== 'null') ?? branches[0];
        return generate(branch, depth + 1);
      }
    }
    if (Array.isArray(s.allOf) && s.allOf.length > 0) return generate(s.allOf[0], depth + 1);
    const types = Array.isArray(s.type) ? (s.type as unknown[]) : [s.type];
    const type = types.find((t) => t !== 'null') ?? types[0] ?? (s.properties ? 'object' : undefined);
    switch (type) {
      case 'object': {
        const properties = (s.properties ?? {}) as Record<string, unknown>;
        return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, generate(v, depth + 1)]));
      }
      case 'array': {
        const min = typeof s.minItems === 'number' ? s.minItems : 1;
        const max = typeof s.maxItems === 'number' ? s.maxItems : 3;
        const count = randomInt(init.random, Math.min(min, 3), Math.max(Math.min(min, 3), Math.min(max, 3)));
        return Array.from({ length: count }, () => generate(s.items, depth + 1));
      }
      case 'string':
        return strings++ === 0 ? `Page ${size}` : `${pick(init.random, WORDS)} ${pick(init.random, WORDS)}`;
      case 'integer':
      case 'number': {
        const low = typeof s.minimum === 'number' ? Math.ceil(s.minimum) : 0;
        const high = typeof s.maximum === 'number' ? Math.floor(s.maximum) : low + 999;
        return randomInt(init.random, low, Math.max(low, high));
      }
      case 'boolean':
        return init.random() < 0.5;
      default:
        return null;
    }
  };
  const json = JSON.stringify(generate(init.schema, 0));
  const text = init.invalid
    ? `Here is the data I found: ${json.slice(0, Math.max(1, Math.floor(json.length / 2)))}`
    : json;
  const tokens = text.match(/[\s\S]{1,4}/g) ?? [];
  return { format: 'json', tokens, loop: () => tokens.slice(-4) };
}
