import { text } from "node:stream/consumers";
import { NoSnapshot, openSandbox } from "../warehouse/sandbox.ts";
import { runCommand, UsageError } from "./command.ts";

const usage = `Usage: npm run sql -- [--format table|csv|json] [--timeout SECONDS] "<SQL>"
       echo "<SQL>" | npm run sql -- [--format csv]

Run a read-only query on the published warehouse snapshot ($OBS_DATA_DIR/warehouse/published.duckdb).
The session is sandboxed: no files outside the snapshot, no COPY … TO, ATTACH, INSTALL/LOAD, no
changing settings, no DDL or DML; memory, threads and time are bounded. A bad query exits 1 with
DuckDB's message.

Tables: marts.fct_observation, marts.dim_centre, marts.dim_period, marts.dim_metric,
marts.dim_breakdown, marts.dim_document, marts.families, marts.assistance_reasons,
marts.niebieska_karta, marts.staffing, marts.coverage, marts.data_quality, marts.observation_history.

Options:
  -f, --format   table (default), csv or json
  --timeout      seconds before a query is stopped (default 60)
  -h, --help     show this help`;

type Cell = unknown;

function cellText(v: Cell): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return `[${v.map(cellText).join(", ")}]`;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
  return String(v);
}

function toCsv(columns: string[], rows: Cell[][]): string {
  const esc = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [columns.map(esc).join(","), ...rows.map((r) => r.map((v) => esc(cellText(v))).join(","))].join(
    "\n",
  );
}

function toTable(columns: string[], rows: Cell[][]): string {
  const cells = rows.map((r) => r.map((v) => (v === null || v === undefined ? "NULL" : cellText(v))));
  const widths = columns.map((c, i) =>
    Math.min(60, Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length))),
  );
  const clip = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (r: string[]) => r.map((s, i) => clip(s, widths[i] ?? 0)).join(" │ ");
  return [
    line(columns),
    widths.map((w) => "─".repeat(w)).join("─┼─"),
    ...cells.map(line),
    `(${rows.length} rows)`,
  ].join("\n");
}

await runCommand(
  {
    usage,
    allowPositionals: true,
    options: {
      format: { type: "string", short: "f", default: "table" },
      timeout: { type: "string", default: "60" },
      help: { type: "boolean", short: "h" },
    },
  },
  async ({ values, positionals }) => {
    const format = values.format;
    if (format !== "table" && format !== "csv" && format !== "json") {
      throw new UsageError(`--format must be table, csv or json, not ${format}`);
    }
    const timeout = Number(values.timeout);
    if (!(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds`);
    let sql = positionals.join(" ").trim();
    if (sql === "" && !process.stdin.isTTY) sql = (await text(process.stdin)).trim();
    if (sql === "") throw new UsageError("give a query as an argument or on standard input (see --help)");
    let sandbox: Awaited<ReturnType<typeof openSandbox>>;
    try {
      sandbox = await openSandbox();
    } catch (e) {
      if (e instanceof NoSnapshot) throw new UsageError(e.message);
      throw e;
    }
    try {
      const { columns, rows } = await sandbox.query(sql, timeout * 1000).catch((e: Error) => {
        throw new UsageError(e.message);
      });
      if (format === "json") {
        const objects = rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
        process.stdout.write(
          `${JSON.stringify(objects, (_k, v) => (typeof v === "bigint" ? Number(v) : v), 2)}\n`,
        );
      } else {
        process.stdout.write(`${format === "csv" ? toCsv(columns, rows) : toTable(columns, rows)}\n`);
      }
      return 0;
    } finally {
      sandbox.close();
    }
  },
);
