import { UsageError } from './usage-error.js';

/**
 * A flag's whole-number value within `min`..`max`.
 * @throws UsageError naming the flag, the range and what was given.
 */
export function integerFlag(flag: string, text: string | undefined, min: number, max = Infinity): number {
  const value = Number(text);
  if (text !== undefined && text.trim() !== '' && Number.isInteger(value) && value >= min && value <= max)
    return value;
  const range = max === Infinity ? `${min} or more` : `from ${min} to ${max}`;
  throw new UsageError(`${flag}: expected a whole number ${range}; got ${JSON.stringify(text)}`);
}
