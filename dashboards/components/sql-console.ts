// The SQL console: a text area, example queries, a paginated result table, a CSV download and a browser
// of the tables and their columns. It runs queries through the database it is given, which it opens on
// the first query (DuckDB-wasm and the marts are megabytes a reader who only looks need not fetch), and
// refuses before running — and before loading anything — every statement that does more than read.
import { html } from "htl";
import { toExcelCsv } from "./excel-csv.js";
import { formatDecimal, formatNumber, plural } from "./format.js";
import { classifyStatements, refusalPl } from "./sql-statements.js";

export interface QueryResult {
  columns: string[];
  /** Arrow type names of the columns ("Int32", "Float64", "Utf8", "Date32<DAY>", …) where known */
  types?: string[];
  rows: Record<string, unknown>[];
}
export type RunQuery = (sql: string) => Promise<QueryResult>;

export interface Example {
  label: string;
  sql: string;
}

/** One table of the schema browser: its description and grain, and each column's type and description. */
export interface SchemaTable {
  schema: string;
  table: string;
  description: string | null;
  grain: string[];
  columns: { name: string; type: string; description: string | null }[];
}

/** Rows on one page of a result: a 285-row result is six short pages, not a 27,700-pixel table. */
export const PAGE_ROWS = 50;

/**
 * Columns whose numbers are names, not amounts: ids, codes, years, periods. `2023` stays "2023"
 * (never "2 023"), `1465011` stays as the TERYT code it is.
 */
export function isIdentifierColumn(name: string): boolean {
  return /(^|_)(id|ids|year|years|rok|lata|period|okres|half|polrocze|teryt|kod|code|line|wiersz|version|wersja|number|nr)$|^(id|year|rok|teryt)(_|$)/i.test(
    name,
  );
}

const isFloatType = (type: string) => /^(Float|Decimal)/i.test(type);

/** A cell as the console shows it: NULL as NULL, ids and years as written, amounts in Polish form. */
export function cellText(v: unknown, column: string, type = ""): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "bigint") return isIdentifierColumn(column) ? String(v) : formatNumber(Number(v));
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (isIdentifierColumn(column) && Number.isInteger(v)) return String(v);
    return Number.isInteger(v) && !isFloatType(type) ? formatNumber(v) : formatDecimal(v, 3);
  }
  if (typeof v === "boolean") return v ? "tak" : "nie";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (Array.isArray(v)) return `[${v.map((x) => (x === null ? "NULL" : String(x))).join(", ")}]`;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function resultPage({ columns, types = [], rows }: QueryResult, page: number): HTMLElement {
  const shown = rows.slice(page * PAGE_ROWS, (page + 1) * PAGE_ROWS);
  return html`<div class="table-scroll"><table class="figures-table sql-result">
    <thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
    <tbody>${shown.map(
      (r) =>
        html`<tr>${columns.map((c, i) => {
          const v = r[c];
          const numeric = (typeof v === "number" || typeof v === "bigint") && !isIdentifierColumn(c);
          const cls = v === null || v === undefined ? "null" : numeric ? "num" : "";
          return html`<td class=${cls}>${cellText(v, c, types[i])}</td>`;
        })}</tr>`,
    )}</tbody>
  </table></div>`;
}

/** "Strona 2 z 6 · wiersze 51–100 z 285" with buttons to the first, previous, next and last page. */
function pager(total: number, page: number, go: (page: number) => void): HTMLElement {
  const pages = Math.max(1, Math.ceil(total / PAGE_ROWS));
  const button = (label: string, target: number, disabled: boolean) => {
    const b = html`<button type="button" disabled=${disabled}>${label}</button>` as HTMLButtonElement;
    b.onclick = () => go(target);
    return b;
  };
  const from = total === 0 ? 0 : page * PAGE_ROWS + 1;
  const to = Math.min(total, (page + 1) * PAGE_ROWS);
  return html`<nav class="sql-pager" aria-label="Strony wyniku">
    ${button("« Pierwsza", 0, page === 0)} ${button("‹ Poprzednia", page - 1, page === 0)}
    <span class="sql-page">Strona ${formatNumber(page + 1)} z ${formatNumber(pages)} · wiersze ${formatNumber(from)}–${formatNumber(to)} z ${formatNumber(total)}</span>
    ${button("Następna ›", page + 1, page >= pages - 1)} ${button("Ostatnia »", pages - 1, page >= pages - 1)}
  </nav>`;
}

/** The tables and their columns with descriptions; a click on a name puts it into the query. */
export function schemaBrowser(tables: SchemaTable[], insert: (text: string) => void): HTMLElement {
  return html`<details class="sql-schema"><summary>Tabele i kolumny (${formatNumber(tables.length)} ${plural(
    tables.length,
    "tabela",
    "tabele",
    "tabel",
  )})</summary>${tables.map((t) => {
    const name = `${t.schema}.${t.table}`;
    const insertName =
      html`<button type="button" class="sql-name" title="Wstaw do zapytania">${name}</button>` as HTMLButtonElement;
    insertName.onclick = () => insert(name);
    return html`<details class="sql-table" data-table=${name}>
      <summary><code>${name}</code> — ${t.description ?? "bez opisu"}</summary>
      <p>${insertName}${t.grain.length > 0 ? html` · jeden wiersz na: <code>${t.grain.join(" × ")}</code>` : ""}</p>
      <table class="figures-table sql-columns">
        <thead><tr><th scope="col">Kolumna</th><th scope="col">Typ</th><th scope="col">Opis</th></tr></thead>
        <tbody>${t.columns.map(
          (c) =>
            html`<tr><td><code>${c.name}</code></td><td><code>${c.type}</code></td><td>${c.description ?? html`<span class="missing">bez opisu</span>`}</td></tr>`,
        )}</tbody>
      </table>
    </details>`;
  })}</details>`;
}

/**
 * `open` loads the database and resolves to the query runner; it is called once, on the first query
 * that passes the read-only rule. `schema` is the table browser's content (no database needed).
 */
export function sqlConsole(
  open: () => Promise<RunQuery>,
  { examples, schema = [] }: { examples: Example[]; schema?: SchemaTable[] },
): HTMLElement {
  const textarea =
    html`<textarea spellcheck="false" aria-label="Zapytanie SQL"></textarea>` as HTMLTextAreaElement;
  textarea.value = examples[0]?.sql ?? "";
  const runButton = html`<button type="button">Uruchom (Ctrl+Enter)</button>` as HTMLButtonElement;
  const download =
    html`<button type="button" disabled>Pobierz wynik (CSV dla Excela)</button>` as HTMLButtonElement;
  const status = html`<div class="sql-status" role="status">Baza DuckDB załaduje się w przeglądarce przy pierwszym zapytaniu.</div>`;
  const output = html`<div class="sql-output"></div>`;
  let last: QueryResult | null = null;
  let opening: Promise<RunQuery> | null = null;

  const showPage = (page: number) => {
    if (!last) return;
    const go = (p: number) => showPage(p);
    const paged = last.rows.length > PAGE_ROWS;
    output.replaceChildren(resultPage(last, page), ...(paged ? [pager(last.rows.length, page, go)] : []));
  };

  const refuse = (message: string) => {
    last = null;
    download.disabled = true;
    status.textContent = "Zapytanie odrzucone.";
    output.replaceChildren(html`<div class="sql-error sql-refused">${message}</div>`);
  };

  const execute = async () => {
    const sql = textarea.value.trim();
    if (!sql) return;
    const verdict = classifyStatements(sql);
    if (!verdict.reads) return refuse(refusalPl(verdict));
    runButton.disabled = true;
    output.replaceChildren();
    try {
      if (!opening) {
        status.textContent = "Ładowanie bazy DuckDB w przeglądarce (tylko raz, przy pierwszym zapytaniu)…";
        opening = open();
        opening.catch(() => {
          opening = null; // a failed load may be retried with the next query
        });
      }
      const run = await opening.catch((e: Error) => {
        throw new Error(`Nie udało się uruchomić DuckDB: ${e.message}`);
      });
      status.textContent = "Trwa zapytanie…";
      const started = performance.now();
      last = await run(sql);
      const ms = Math.round(performance.now() - started);
      const n = last.rows.length;
      status.textContent = `${formatNumber(n)} ${plural(n, "wiersz", "wiersze", "wierszy")} w ${formatNumber(ms)} ms.`;
      showPage(0);
      download.disabled = false;
    } catch (e) {
      last = null;
      download.disabled = true;
      status.textContent = "Błąd zapytania.";
      output.replaceChildren(html`<div class="sql-error">${(e as Error).message}</div>`);
    } finally {
      runButton.disabled = false;
    }
  };

  runButton.onclick = () => void execute();
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void execute();
    }
  });
  download.onclick = () => {
    if (!last) return;
    const blob = new Blob([toExcelCsv(last)], { type: "text/csv;charset=utf-8" });
    const a = html`<a download="wynik.csv" href=${URL.createObjectURL(blob)}></a>` as HTMLAnchorElement;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const insert = (text: string) => {
    const { selectionStart: start, selectionEnd: end, value } = textarea;
    textarea.value = value.slice(0, start) + text + value.slice(end);
    textarea.focus();
    textarea.setSelectionRange(start + text.length, start + text.length);
  };

  return html`<div class="sql-console">
    <div class="examples">Przykłady: ${examples.map((ex) => {
      const b = html`<button type="button">${ex.label}</button>` as HTMLButtonElement;
      b.onclick = () => {
        textarea.value = ex.sql;
        void execute();
      };
      return b;
    })}</div>
    ${textarea}
    <div>${runButton} ${download}</div>
    ${status}
    ${output}
    ${schema.length > 0 ? schemaBrowser(schema, insert) : ""}
  </div>`;
}
