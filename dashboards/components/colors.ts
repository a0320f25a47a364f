// Colours safe for colour-blind readers (Okabe & Ito); one fixed colour per city on every page.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000"];

/** A Plot colour scale for city names in a fixed order (the order of the centres list). */
export function centreColors(centres: { name_pl: string }[]) {
  const domain = centres.map((c) => c.name_pl);
  return { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length] as string) };
}

/**
 * The colour scale of a chart that draws some of the cities, its legend naming only those. While every
 * city fits the palette each keeps its fixed colour; with more, the drawn ones take the palette in order
 * (two drawn cities never share a colour while at most seven are drawn).
 */
export function drawnColors(centres: { name_pl: string }[], drawn: Iterable<string>) {
  const names = new Set(drawn);
  if (centres.length > PALETTE.length) return centreColors(centres.filter((c) => names.has(c.name_pl)));
  const all = centreColors(centres);
  return {
    domain: all.domain.filter((d) => names.has(d)),
    range: all.range.filter((_, i) => names.has(all.domain[i] as string)),
  };
}

/** Read values from documents vs values computed (derived H2): solid vs light. */
export const READ_COLOR = "#0072B2";
export const DERIVED_COLOR = "#9ecae1";
export const NORM_COLOR = "#b3261e";
