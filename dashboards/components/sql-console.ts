// The SQL console: a text area, example queries, a result table and a CSV download. It runs queries through
// the function it is given (duckdb-wasm on the SQL page) and loads nothing itself.
import { html } from "htl";
import { toExcelCsv } from "./excel-csv.js";
import { formatDecimal, formatNumber, MISSING, plural } from "./format.js";

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}
export type RunQuery = (sql: string) => Promise<QueryResult>;

export interface Example {
  label: string;
  sql: string;
}

const SHOWN = 500;

function cellText(v: unknown): string | HTMLElement {
  if (v === null || v === undefined) return html`<span class="missing">${MISSING}</span>`;
  if (typeof v === "number") return formatDecimal(v, 3);
  if (typeof v === "bigint") return formatNumber(Number(v));
  if (typeof v === "boolean") return v ? "tak" : "nie";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (Array.isArray(v)) return v.join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function resultTable({ columns, rows }: QueryResult): HTMLElement {
  return html`<div class="table-scroll"><table class="figures-table sql-result">
    <thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
    <tbody>${rows
      .slice(0, SHOWN)
      .map(
        (r) =>
          html`<tr>${columns.map((c) => html`<td class=${typeof r[c] === "number" ? "num" : ""}>${cellText(r[c])}</td>`)}</tr>`,
      )}</tbody>
  </table></div>`;
}

/** `ready` resolves to the query runner once the database is loaded; until then the console says so. */
export function sqlConsole(ready: Promise<RunQuery>, { examples }: { examples: Example[] }): HTMLElement {
  const textarea =
    html`<textarea spellcheck="false" aria-label="Zapytanie SQL"></textarea>` as HTMLTextAreaElement;
  textarea.value = examples[0]?.sql ?? "";
  const runButton = html`<button type="button" disabled>Uruchom (Ctrl+Enter)</button>` as HTMLButtonElement;
  const download =
    html`<button type="button" disabled>Pobierz wynik (CSV dla Excela)</button>` as HTMLButtonElement;
  const status = html`<div class="sql-status" role="status">Ładowanie bazy DuckDB w przeglądarce (ok. 35 MB, tylko na tej stronie)…</div>`;
  const output = html`<div class="sql-output"></div>`;
  let last: QueryResult | null = null;
  let run: RunQuery | null = null;

  const execute = async () => {
    if (!run) return;
    const sql = textarea.value.trim();
    if (!sql) return;
    runButton.disabled = true;
    status.textContent = "Trwa zapytanie…";
    output.replaceChildren();
    const started = performance.now();
    try {
      last = await run(sql);
      const ms = Math.round(performance.now() - started);
      const n = last.rows.length;
      status.textContent = `${formatNumber(n)} ${plural(n, "wiersz", "wiersze", "wierszy")} w ${formatNumber(ms)} ms${
        last.rows.length > SHOWN ? ` (pokazano pierwsze ${formatNumber(SHOWN)}, plik CSV ma wszystkie)` : ""
      }.`;
      output.replaceChildren(resultTable(last));
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

  runButton.onclick = execute;
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

  ready.then(
    (r) => {
      run = r;
      runButton.disabled = false;
      status.textContent = "Gotowe. Tabele są w schemacie marts (np. marts.families).";
      void execute();
    },
    (e) => {
      status.textContent = "";
      output.replaceChildren(
        html`<div class="sql-error">Nie udało się uruchomić DuckDB: ${(e as Error).message}</div>`,
      );
    },
  );

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
  </div>`;
}
