// A key figure: what it is, the number (or "brak danych"), its period and where it comes from.
import { html } from "htl";
import { MISSING } from "./format.js";
import { type Provenance, provenance } from "./provenance.js";

export interface FigureCard {
  title: string;
  value: string;
  period: string;
  detail?: string | Node | null;
  source?: Provenance | null;
  /** e.g. "dane z 2013" (components/data-year.ts) where this figure is older than those beside it */
  badge?: Node | string | null;
}

export function figureCard({ title, value, period, detail, source, badge }: FigureCard): HTMLElement {
  return html`<div class="figure">
    <h3>${title}</h3>
    <div class=${value === MISSING ? "big missing" : "big"}>${value}</div>
    <div class="period">${period}${badge ?? ""}</div>
    ${detail ? html`<div class="period">${detail}</div>` : ""}
    ${source ? provenance(source) : ""}
  </div>`;
}

export function figureGrid(cards: HTMLElement[]): HTMLElement {
  return html`<div class="figures">${cards}</div>`;
}
