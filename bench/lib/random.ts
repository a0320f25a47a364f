/** Deterministic randomness for the generator: the same seed gives the same national data, byte for byte. */

/** A 32-bit hash of a string (FNV-1a), to derive independent streams from one seed. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for synthetic data (not for anything secret). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stream of its own for one key (e.g. one gmina and year), independent of the order things are generated in. */
export function streamFor(seed: number, key: string): () => number {
  return rng(hash32(`${seed}|${key}`));
}

export const between = (r: () => number, lo: number, hi: number) => lo + (hi - lo) * r();
export const intBetween = (r: () => number, lo: number, hi: number) => Math.floor(between(r, lo, hi + 1));
export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

/** A log-normal draw: most gminas are small, a few are cities. */
export function logNormal(r: () => number, median: number, sigma: number): number {
  const u = Math.max(r(), 1e-12);
  const v = r();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return median * Math.exp(sigma * z);
}
