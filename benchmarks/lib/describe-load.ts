import os from 'node:os';

/** The 1-minute load average now, e.g. `3.4`: other work on a shared 2-core machine skews timings. */
export function loadNow(): string {
  return (os.loadavg()[0] ?? 0).toFixed(1);
}

/** A sentence for RESULTS.md stating the machine's load around a run. */
export function describeLoad(atStart: string, atEnd: string = loadNow()): string {
  return `1-minute load average ${atStart} at the start and ${atEnd} at the end (${os.availableParallelism()} cores; other engineers' jobs share the machine, so absolute numbers carry noise; the side-by-side ratios less so).`;
}
