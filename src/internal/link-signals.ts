/**
 * One signal that aborts when any of `signals` does, with that signal's reason. `undefined` entries
 * are skipped, so optional signals can be passed as they are.
 */
export function linkSignals(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  // AbortSignal.any holds its sources weakly and drops its listeners itself: nothing to clean up.
  return present.length === 1 && present[0] !== undefined ? present[0] : AbortSignal.any(present);
}
