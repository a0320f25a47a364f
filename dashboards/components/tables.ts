// A plain table of figures: Polish formatting is the caller's (via format.ts); numbers right-aligned.
import { html } from "htl";
import { tableExportBar } from "./export.js";

export interface Column<T> {
  label: string;
  value: (row: T) => string | Node | null | undefined;
  num?: boolean;
}

export function figuresTable<T>(
  rows: T[],
  columns: Column<T>[],
  { caption }: { caption?: string } = {},
): HTMLElement {
  const scroll = html`<div class="table-scroll"><table class="figures-table">
    ${caption ? html`<caption>${caption}</caption>` : ""}
    <thead><tr>${columns.map((c) => html`<th class=${c.num ? "num" : ""} scope="col">${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map(
      (r) =>
        html`<tr>${columns.map((c) => {
          const v = c.value(r);
          return html`<td class=${c.num ? "num" : ""}>${v ?? ""}</td>`;
        })}</tr>`,
    )}</tbody>
  </table></div>`;
  // every table can be downloaded as shown (CSV for Polish Excel), with the ids of its rows beside
  return html`<div class="table-block">${scroll}${tableExportBar(scroll, rows as object[])}</div>`;
}
