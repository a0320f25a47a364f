// "skąd ta liczba?" — where a figure comes from: the document, the line in it, the text it was read from.
import { html } from "htl";
import { notePl } from "./polish.js";

export interface Provenance {
  document_title?: string | null;
  file_name?: string | null;
  line?: number | null;
  quote?: string | null;
  label?: string | null;
  flags?: string[] | null;
  note?: string | null;
  is_derived?: boolean | null;
  is_corrected?: boolean | null;
  /** a derived figure's formula as the marts write it ("412 − 209", "(74 − 21) / 4") */
  formula_pl?: string | null;
}

export const FLAG_LABELS: Record<string, string> = {
  ambiguous: "niejednoznaczny zapis",
  contradiction: "sprzeczność w dokumencie",
  period_assumed: "okres przyjęty z kontekstu",
  derived: "wartość wyliczona",
  missing: "brak w dokumencie",
  number_word: "liczba zapisana słownie",
  whole_year_count: "liczone w ciągu roku, nie jednocześnie",
  suppressed: "ukryto w wersji publicznej: mniej niż 5 osób lub rodzin",
};

const WARN_FLAGS = new Set(["ambiguous", "contradiction", "missing", "whole_year_count"]);

/** Flags as small labelled badges (warnings in red). */
export function flagBadges(flags: string[] | null | undefined, isCorrected = false): HTMLElement {
  const all = [...(flags ?? []), ...(isCorrected ? ["corrected"] : [])];
  return html`<span>${all.map(
    (f) =>
      html`<span class="flag ${WARN_FLAGS.has(f) || f === "corrected" ? "warn" : "info"}">${
        f === "corrected" ? "poprawione względem wcześniejszej wersji" : (FLAG_LABELS[f] ?? f)
      }</span>`,
  )}</span>`;
}

/** One line of text for chart tooltips: document, line and quote. */
export function provenanceText(p: Provenance): string {
  if (p.is_derived)
    return p.formula_pl
      ? `Wartość wyliczona: ${p.formula_pl}, nie odczytana z dokumentu.`
      : "Wartość wyliczona (rok − I półrocze), nie odczytana z dokumentu.";
  // pages without quotes (sources fetched on demand) leave the document out entirely, not null
  if (p.document_title === undefined && p.file_name === undefined)
    return "Źródło (dokument, wiersz, cytat): „skąd ta liczba?” w tabeli";
  if (!p.document_title && !p.file_name) return "Źródło: brak danych";
  const doc = p.document_title ?? p.file_name;
  return `Źródło: ${doc}, wiersz ${p.line ?? "?"}\n„${p.quote ?? ""}”`;
}

/** A collapsible "skąd ta liczba?" with the document, line, quote, label as written, flags and notes. */
export function provenance(p: Provenance): HTMLElement {
  const box = (body: unknown) =>
    html`<details class="skad"><summary>skąd ta liczba?</summary><div class="skad-body">${body}</div></details>`;
  if (p.is_derived) {
    return box(
      p.formula_pl
        ? html`Wartość wyliczona: <strong>${p.formula_pl}</strong> (rok minus I półrocze, przepływ addytywny). Nie została odczytana z dokumentu.`
        : "Wartość wyliczona: rok minus I półrocze (przepływ addytywny). Nie została odczytana z dokumentu.",
    );
  }
  if (!p.document_title && !p.file_name) return box(html`<span class="missing">brak danych o źródle</span>`);
  const sameName = p.file_name && p.document_title === p.file_name;
  return box(html`<div class="src">Dokument: <strong>${p.document_title ?? p.file_name}</strong>${
    p.file_name && !sameName ? html` (plik <code>${p.file_name}</code>)` : ""
  }, wiersz ${p.line ?? "?"}</div>
    <blockquote>${p.quote ?? ""}</blockquote>
    ${p.label && p.label !== p.quote ? html`<div class="src">Opis w dokumencie: „${p.label}”</div>` : ""}
    ${(p.flags?.length ?? 0) > 0 || p.is_corrected ? flagBadges(p.flags, Boolean(p.is_corrected)) : ""}
    ${notePl(p.note) ? html`<div class="src">Uwaga: ${notePl(p.note)}</div>` : ""}`);
}

/** Open a value's card to the right when there is no room for it on the left (the first columns). */
export function placeCard(box: HTMLElement): void {
  box.addEventListener("toggle", () => {
    if (!(box as HTMLDetailsElement).open) return;
    const main = box.closest("#observablehq-main") ?? document.body;
    const cardWidth = Math.min(24 * 16, window.innerWidth * 0.8);
    const room = box.getBoundingClientRect().right - main.getBoundingClientRect().left;
    box.classList.toggle("open-right", room < cardWidth);
  });
}

/** A number that opens to its source: the figure itself is the summary of the "skąd ta liczba?" box. */
export function valueWithSource(text: string, p: Provenance): HTMLElement {
  const box = provenance(p);
  const summary = box.querySelector("summary");
  if (summary) {
    summary.textContent = text;
    summary.title = "skąd ta liczba?";
  }
  box.classList.add("value");
  placeCard(box);
  return box;
}
