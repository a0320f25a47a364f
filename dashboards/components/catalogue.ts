// A catalogue a person can find things in: rows in Polish alphabetical order (ą after a, ł after l) and
// a search box that narrows them as one types, with or without Polish letters ("zasilek" finds "zasiłek").
import { html } from "htl";
import { formatNumber, plural } from "./format.js";

/** Rows sorted by a Polish label, as a Polish dictionary orders words. */
export function byPolishLabel<T>(rows: readonly T[], label: (row: T) => string): T[] {
  return [...rows].sort((a, b) => label(a).localeCompare(label(b), "pl", { sensitivity: "base" }));
}

/** Lower case without diacritics: what a search compares. */
export const searchForm = (text: string): string =>
  text.toLocaleLowerCase("pl").replaceAll("ł", "l").normalize("NFD").replace(/\p{M}/gu, "");

/** Whether every word of the query stands somewhere in the text (in any order). */
export function matchesSearch(text: string, query: string): boolean {
  const haystack = searchForm(text);
  return searchForm(query)
    .split(/\s+/)
    .filter((w) => w !== "")
    .every((w) => haystack.includes(w));
}

/** A search box above a table; `render` draws the table of the rows that match. */
export function searchableTable<T>(
  rows: readonly T[],
  { text, render, label }: { text: (row: T) => string; render: (rows: T[]) => HTMLElement; label: string },
): HTMLElement {
  const input =
    html`<input type="search" class="catalogue-search" placeholder="Szukaj, np. asystent, przemoc, zasiłek" aria-label=${label}>` as HTMLInputElement;
  const count = html`<span class="catalogue-count" role="status"></span>`;
  const holder = html`<div></div>`;
  const update = () => {
    const shown = rows.filter((r) => matchesSearch(text(r), input.value));
    count.textContent = input.value.trim()
      ? `${formatNumber(shown.length)} z ${formatNumber(rows.length)} ${plural(rows.length, "pozycji", "pozycji", "pozycji")}`
      : "";
    holder.replaceChildren(
      shown.length > 0
        ? render(shown)
        : html`<p class="missing">Nic nie pasuje do „${input.value.trim()}”.</p>`,
    );
  };
  input.addEventListener("input", update);
  update();
  return html`<div class="catalogue"><label>${label}: ${input}</label> ${count}${holder}</div>`;
}
