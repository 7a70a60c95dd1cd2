import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** `../shared/fixtures` beside the project root; absent in a user's clone. */
export const FIXTURES_DIR = path.resolve(fileURLToPath(import.meta.url), '../../../../shared/fixtures');

/** True when the shared fixtures are present. */
export const hasSharedFixtures = existsSync(FIXTURES_DIR);

/**
 * `skip` option for tests that need ../shared: they report themselves skipped (with the reason) in a
 * clone that has no shared fixtures, instead of passing vacuously.
 */
export const needsShared: { skip: string | false } = {
  skip: hasSharedFixtures ? false : 'needs ../shared/fixtures (not present in this clone)',
};

/** Absolute path of a file under ../shared/fixtures. */
export function fixturePath(...parts: string[]): string {
  return path.join(FIXTURES_DIR, ...parts);
}
