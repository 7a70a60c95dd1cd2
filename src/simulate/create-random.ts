/** A deterministic source of numbers in [0, 1). */
export type Random = () => number;

/**
 * A small, fast, seeded pseudo-random generator (mulberry32) keyed by a string. The same key always
 * yields the same sequence, which is what makes the simulated server reproducible under a seed:
 * callers build keys from the seed, the page's image hash and the purpose (`'length'`, `'fault'`, ...).
 */
export function createRandom(key: string): Random {
  // FNV-1a folds the key into the 32-bit state.
  let state = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    state ^= key.charCodeAt(i);
    state = Math.imul(state, 0x01000193);
  }
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max], inclusive. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One string of a list (`''` for an empty list). */
export function pick(random: Random, items: readonly string[]): string {
  return items[Math.floor(random() * items.length)] ?? '';
}
