// "dane z <rok>": a badge where a centre's latest figure is older than the others shown beside it, so that
// one city's 2013 cards next to another's 2026 ones are not read as the same moment.
import { html } from "htl";

/** The newest year among the figures shown together (null when none has a value). */
export function newestYear(rows: { year: number | null; value?: number | null }[]): number | null {
  let newest: number | null = null;
  for (const r of rows)
    if (r.year !== null && r.value !== null && (newest === null || r.year > newest)) newest = r.year;
  return newest;
}

/** The badge, or nothing when `year` is as new as the newest shown beside it (or either is unknown). */
export function dataYearBadge(year: number | null | undefined, newest: number | null): HTMLElement | string {
  if (year == null || newest === null || year >= newest) return "";
  return html`<span class="data-year-badge" title=${`Najnowsze dane tego miasta są z ${year} r.; inne pokazane obok – z ${newest} r.`}>dane z ${year}</span>` as HTMLElement;
}
