// Colours safe for colour-blind readers (Okabe & Ito); one fixed colour per city on every page.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000"];

/** A Plot colour scale for city names in a fixed order (the order of the centres list). */
export function centreColors(centres: { name_pl: string }[]) {
  const domain = centres.map((c) => c.name_pl);
  return { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length] as string) };
}

/** Read values from documents vs values computed (derived H2): solid vs light. */
export const READ_COLOR = "#0072B2";
export const DERIVED_COLOR = "#9ecae1";
export const NORM_COLOR = "#b3261e";
