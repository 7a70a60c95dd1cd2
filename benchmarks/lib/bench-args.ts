import { parseArgs } from 'node:util';

/** `--quick`: a fast smoke run (fewer pages and levels), not numbers to publish. */
export function isQuick(argv: readonly string[] = process.argv.slice(2)): boolean {
  const { values } = parseArgs({
    args: [...argv],
    options: { quick: { type: 'boolean', default: false } },
    strict: false,
  });
  return values.quick === true;
}
