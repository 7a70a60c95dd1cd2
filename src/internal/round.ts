/** Round to `digits` decimals, for reports that people read. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** {@link round}, keeping `null` for a value that was never measured. */
export function roundOrNull(value: number | null, digits = 1): number | null {
  return value === null ? null : round(value, digits);
}
