// Export of what a page shows: every chart as CSV (its data, for Polish Excel), PNG and SVG, every table as
// CSV. The CSV has the Polish labels a person reads and, beside them, the ids the data carries (centre_id,
// period_id, metric_id…), so a spreadsheet can be joined back to the warehouse. Nothing leaves the browser:
// files are made from the page and handed to the browser as downloads.
import { html } from "htl";
import { type CsvTable, toExcelCsv } from "./excel-csv.js";

/** A file name from a title: "Rodziny objęte pomocą – Wrocław" → "rodziny-objete-pomoca-wroclaw". */
export function fileNameOf(title: string): string {
  const slug = title
    .toLocaleLowerCase("pl")
    .replaceAll("ł", "l")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return slug || "wykres";
}

/** Hand a file to the browser as a download. */
export function download(name: string, blob: Blob): void {
  const a = html`<a download=${name} href=${URL.createObjectURL(blob)} hidden></a>` as HTMLAnchorElement;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

const csvBlob = (table: CsvTable) => new Blob([toExcelCsv(table)], { type: "text/csv;charset=utf-8" });

const isScalar = (v: unknown) => v === null || ["string", "number", "boolean", "bigint"].includes(typeof v);
/** A value a CSV cell can hold: a scalar or a list of scalars (flags); nested rows are left out. */
const isPlain = (v: unknown) => isScalar(v) || (Array.isArray(v) && v.every(isScalar));

/**
 * A chart's rows as a table: every plain field the rows carry (labels, ids, values, units, the line and
 * quote of the source), in the order of the first row; nested objects are left out.
 */
export function rowsTable(rows: readonly object[]): CsvTable {
  const columns: string[] = [];
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (!columns.includes(key) && isPlain(value)) columns.push(key);
    }
  }
  return { columns, rows: rows.map((r) => ({ ...r }) as Record<string, unknown>) };
}

/** "10 309" → 10309, "18,2" → 18.2, "−5" → -5; other text as it is (an Excel cell gets a number). */
export function cellValue(text: string): string | number {
  const t = text.replace(/[\u00a0\u202f ]/g, "").replace("−", "-");
  return /^-?\d+(,\d+)?$/.test(t) ? Number(t.replace(",", ".")) : text.trim();
}

/**
 * A table as it is shown, its headers and cell texts (numbers as numbers), plus — when the rows behind it
 * are known — their id fields (`*_id`) beside the Polish labels.
 */
export function shownTable(table: HTMLTableElement, rows?: readonly object[]): CsvTable {
  const headers = [...table.querySelectorAll("thead th")].map((th) => (th.textContent ?? "").trim());
  const body = [...table.querySelectorAll("tbody tr")];
  const ids =
    rows && rows.length === body.length
      ? [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => /_id$/.test(k))))]
      : [];
  const columns = [...headers, ...ids.filter((id) => !headers.includes(id))];
  const out = body.map((tr, i) => {
    const row: Record<string, unknown> = {};
    [...tr.children].forEach((td, j) => {
      // the "skąd ta liczba?" toggles are for the screen; the value itself stays (it is their summary)
      const cell = td.cloneNode(true) as HTMLElement;
      for (const el of cell.querySelectorAll("details.skad:not(.value)")) el.remove();
      row[headers[j] ?? `kolumna ${j + 1}`] = cellValue(cell.textContent ?? "");
    });
    const source = rows?.[i] as Record<string, unknown> | undefined;
    for (const id of ids) if (!headers.includes(id)) row[id] = source?.[id] ?? null;
    return row;
  });
  return { columns, rows: out };
}

/** The chart's main SVG (a Plot figure holds legends as HTML and the plot as one SVG) as a standalone file. */
export function chartSvg(chart: Element, title = ""): string {
  const svgs = [...chart.querySelectorAll("svg")].filter((s) => !s.closest(".export-bar"));
  const plot = chart instanceof SVGSVGElement ? chart : svgs.sort((a, b) => area(b) - area(a))[0];
  if (!plot) throw new Error("wykres nie ma rysunku SVG");
  const width = Number(plot.getAttribute("width")) || plot.getBoundingClientRect().width;
  const height = Number(plot.getAttribute("height")) || plot.getBoundingClientRect().height;
  const copy = plot.cloneNode(true) as SVGSVGElement;
  const style = getComputedStyle(plot);
  const head = title ? 28 : 0;
  const escaped = title.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
  // currentColor and the font come from the page: write them into the file, with a white background
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + head}" viewBox="0 0 ${width} ${
    height + head
  }" style="color:${style.color || "#000"};font-family:${style.fontFamily.replaceAll('"', "'")};font-size:10px">
<rect width="100%" height="100%" fill="white"/>${
    title ? `<text x="4" y="18" font-size="15" font-weight="600" fill="currentColor">${escaped}</text>` : ""
  }<g transform="translate(0,${head})">${new XMLSerializer().serializeToString(copy)}</g></svg>`;
}

const area = (el: Element) => {
  const r = el.getBoundingClientRect();
  return r.width * r.height;
};

/** The SVG drawn onto a canvas at `scale` (2: sharp on paper and on a projector), as PNG. */
export async function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml;charset=utf-8" }));
  try {
    const image = new Image();
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error("nie udało się narysować wykresu"));
      image.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(image.width * scale);
    canvas.height = Math.ceil(image.height * scale);
    const context = canvas.getContext("2d") as CanvasRenderingContext2D;
    context.scale(scale, scale);
    context.drawImage(image, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("nie udało się zapisać PNG"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

function button(label: string, title: string, action: () => void | Promise<void>): HTMLButtonElement {
  const b = html`<button type="button" title=${title}>${label}</button>` as HTMLButtonElement;
  b.onclick = async () => {
    b.disabled = true;
    try {
      await action();
    } finally {
      b.disabled = false;
    }
  };
  return b;
}

/** "Pobierz: CSV · PNG · SVG" under a chart; `rows` are the chart's data. */
export function chartExportBar(chart: Element, title: string, rows: readonly object[]): HTMLElement {
  const name = fileNameOf(title);
  return html`<div class="export-bar no-print">Pobierz: ${button(
    "CSV",
    "Dane wykresu jako CSV dla Excela",
    () => download(`${name}.csv`, csvBlob(rowsTable(rows))),
  )} ${button("PNG", "Wykres jako obraz PNG", async () =>
    download(`${name}.png`, await svgToPng(chartSvg(chart, title))),
  )} ${button("SVG", "Wykres jako rysunek SVG", () =>
    download(`${name}.svg`, new Blob([chartSvg(chart, title)], { type: "image/svg+xml" })),
  )}</div>`;
}

/** The heading a table stands under (its caption, else the nearest h2/h3 before it), for its file name. */
export function tableTitle(table: Element): string {
  const caption = table.querySelector("caption")?.textContent?.trim();
  if (caption) return caption;
  let el: Element | null = table;
  while (el && el.id !== "observablehq-main") {
    for (let s = el.previousElementSibling; s; s = s.previousElementSibling) {
      const heading = s.matches("h1, h2, h3") ? s : s.querySelector("h2, h3");
      if (heading?.textContent?.trim()) return heading.textContent.trim();
    }
    el = el.parentElement;
  }
  return document.title || "tabela";
}

/** "Pobierz CSV" under a table: the table as shown, with the rows' ids beside the labels. */
export function tableExportBar(scroll: HTMLElement, rows?: readonly object[]): HTMLElement {
  return html`<div class="export-bar no-print">${button("Pobierz CSV", "Tabela jako CSV dla Excela", () => {
    const t = scroll.querySelector("table");
    if (t) download(`${fileNameOf(tableTitle(t))}.csv`, csvBlob(shownTable(t, rows)));
  })}</div>`;
}
