// Shared code of the data loaders: open the published snapshot read-only, run one query, fail loudly,
// write one file to stdout. Loaders never read the file a pipeline build writes.

import { existsSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type * as Arrow from "apache-arrow";
import { dataPaths } from "../../lib/config.ts";
import { toExcelCsv } from "../components/excel-csv.ts";

export { toExcelCsv };

/** Every mart the Dane page offers for download and the SQL page loads (a test compares it with the snapshot). */
export const MARTS = [
  "fct_observation",
  "dim_centre",
  "dim_period",
  "dim_metric",
  "dim_breakdown",
  "dim_document",
  "families",
  "assistance_reasons",
  "niebieska_karta",
  "staffing",
  "population",
  "rates",
  "comparable",
  "data_quality",
  "coverage",
  "observation_history",
] as const;
export type Mart = (typeof MARTS)[number];

/**
 * The snapshot the loaders read. `buildDashboards` pins one version for a whole build (a hard link in
 * OBS_DASHBOARD_SNAPSHOT), so a refresh publishing mid-build cannot mix two versions on one site.
 */
export function snapshotPath(): string {
  return process.env.OBS_DASHBOARD_SNAPSHOT || dataPaths().published;
}

export type Row = Record<string, unknown>;
export interface QueryResult {
  columns: string[];
  types: string[];
  rows: Row[];
}

/**
 * The connection of a publish in progress (dashboards/publish-data.ts): every loader it runs reads one
 * pinned snapshot through one connection, instead of opening the file per loader and per centre.
 */
let publishConnection: DuckDBConnection | null = null;

/** Run `fn` with every loader's query on `connection` (one publish at a time per process). */
export async function withPublishConnection<T>(
  connection: DuckDBConnection,
  fn: () => Promise<T>,
): Promise<T> {
  if (publishConnection) throw new Error("a dashboards data publish is already running in this process");
  publishConnection = connection;
  try {
    return await fn();
  } finally {
    publishConnection = null;
  }
}

export async function withSnapshot<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  if (publishConnection) return fn(publishConnection);
  const path = snapshotPath();
  if (!existsSync(path)) throw new Error(`no published warehouse at ${path}; run \`npm run refresh\` first`);
  const instance = await DuckDBInstance.create(path, {
    access_mode: "READ_ONLY",
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const connection = await instance.connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** JSON-safe values: BIGINT as number, DATE as 'YYYY-MM-DD', TIMESTAMP as ISO text, lists as arrays. */
export function plain(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return type === "DATE" ? value.toISOString().slice(0, 10) : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => plain(v, type.replace(/\[\]$/, "")));
  if (type.startsWith("DECIMAL")) return Number(value);
  return value;
}

/** Run one query; throw when it returns no rows (unless allowed) or lacks a column the page reads. */
export async function runQuery(
  sql: string,
  expect: { columns: readonly string[]; allowEmpty?: boolean },
  connection?: DuckDBConnection,
): Promise<QueryResult> {
  const run = async (c: DuckDBConnection) => {
    const reader = await c.runAndReadAll(sql);
    const columns = reader.columnNames();
    const types = reader.columnTypes().map(String);
    const missing = expect.columns.filter((c) => !columns.includes(c));
    if (missing.length > 0)
      throw new Error(
        `the query result lacks column(s) ${missing.join(", ")} (it has ${columns.join(", ")})`,
      );
    const rows = reader.getRowObjectsJS().map((r) => {
      const out: Row = {};
      columns.forEach((name, i) => {
        out[name] = plain(r[name], types[i] ?? "");
      });
      return out;
    });
    if (rows.length === 0 && !expect.allowEmpty) throw new Error("the query returned no rows");
    return { columns, types, rows };
  };
  return connection ? run(connection) : withSnapshot(run);
}

export type LoaderMain = () => Promise<string | Uint8Array>;
/**
 * A per-centre loader: the files of several centres at once (centre id → file), one query per table for
 * the whole batch. At national scale a query per centre was ~20,000 scans of 3 M rows in a first publish.
 */
export type CentreLoaderMain = (
  connection: DuckDBConnection,
  centreIds: readonly string[],
) => Promise<Map<string, string | Uint8Array>>;

/** The key under which a batch query returns each row's centre (removed from the row by `byCentre`). */
export const CENTRE_KEY = "_centre";

/**
 * Rows of a batch query split by centre (column CENTRE_KEY; null is "_", the findings tied to no centre),
 * each centre's rows in the query's order, every asked centre present (an empty list when it has none).
 */
export function byCentre(rows: readonly Row[], centreIds: readonly string[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>(centreIds.map((id) => [id, []]));
  for (const row of rows) {
    const { [CENTRE_KEY]: key, ...rest } = row;
    out.get(key === null || key === undefined ? "_" : String(key))?.push(rest);
  }
  return out;
}

/** `<column> in (…)` for a batch of checked centre ids; "_" adds `or <column> is null`. */
export function centreIn(column: string, centreIds: readonly string[]): string {
  const ids = centreIds.filter((id) => id !== "_").map((id) => `'${checkCentreId(id)}'`);
  const parts = [ids.length > 0 ? `${column} in (${ids.join(", ")})` : "false"];
  if (centreIds.includes("_")) parts.push(`${column} is null`);
  return `(${parts.join(" or ")})`;
}

/**
 * The loaders, by the file they write (its name relative to dashboards/data, e.g. "overview.json"), as
 * they register when imported: the publish step (dashboards/publish-data.ts) imports every loader module
 * and writes what each returns into the published data directory. Run as a script (`tsx
 * dashboards/data/overview.json.ts`), a loader writes its file to stdout instead, as before.
 */
export const LOADERS = new Map<string, LoaderMain>();
/** The per-centre loaders (data/<dir>/[centre].json.ts), by directory: "centre", "quality", "reasons". */
export const CENTRE_LOADERS = new Map<string, CentreLoaderMain>();

const isScript = (loaderUrl: string) =>
  Boolean(process.argv[1]) && fileURLToPath(loaderUrl) === process.argv[1];
const DATA_DIR = fileURLToPath(new URL("./", import.meta.url));
const outputName = (loaderUrl: string) =>
  fileURLToPath(loaderUrl)
    .slice(DATA_DIR.length)
    .replace(/\.(ts|js)$/, "");

async function writeStdout(loaderUrl: string, main: LoaderMain): Promise<void> {
  const name = basename(decodeURIComponent(new URL(loaderUrl).pathname));
  try {
    const out = await main();
    await new Promise<void>((resolve, reject) =>
      process.stdout.write(out, (e) => (e ? reject(e) : resolve())),
    );
  } catch (e) {
    process.stderr.write(`loader ${name} failed: ${(e as Error).message} (snapshot: ${snapshotPath()})\n`);
    process.exit(1);
  }
}

/**
 * The body of a loader: registered for the publish step when imported; run as a script, `main`'s output
 * goes to stdout and a failure prints one line naming the loader and exits 1.
 */
export async function runLoader(loaderUrl: string, main: LoaderMain): Promise<void> {
  if (!isScript(loaderUrl)) {
    LOADERS.set(outputName(loaderUrl), main);
    return;
  }
  await writeStdout(loaderUrl, main);
}

/** A per-centre loader (data/<dir>/[centre].json.ts); as a script it takes --centre <centre_id>. */
export async function runCentreLoader(loaderUrl: string, main: CentreLoaderMain): Promise<void> {
  if (!isScript(loaderUrl)) {
    CENTRE_LOADERS.set(outputName(loaderUrl).replace(/\/\[centre\]\.json$/, ""), main);
    return;
  }
  const { values } = parseArgs({ options: { centre: { type: "string" } }, strict: false });
  const centreId = checkCentreId(String(values.centre ?? ""));
  await writeStdout(loaderUrl, () =>
    withSnapshot(async (c) => (await main(c, [centreId])).get(centreId) ?? ""),
  );
}

/** A centre id as the loaders accept it (it names a file and goes into SQL as a literal). */
export function checkCentreId(centreId: string): string {
  if (!/^[a-z0-9_-]+$/.test(centreId)) throw new Error(`no or malformed --centre (centre id): ${centreId}`);
  return centreId;
}

/** A JSON loader: one query, its rows as an array of objects. */
export function jsonLoader(
  loaderUrl: string,
  sql: string,
  expect: { columns: readonly string[]; allowEmpty?: boolean },
) {
  return runLoader(loaderUrl, async () => JSON.stringify((await runQuery(sql, expect)).rows));
}

// --- Arrow IPC for duckdb-wasm (DuckDB has no native Arrow output here) -------------------------------

/** Arrow IPC stream of a query result with types from DuckDB's; apache-arrow loads only when needed. */
export async function toArrowIpc(result: QueryResult): Promise<Uint8Array> {
  const A = await import("apache-arrow");
  return A.tableToIPC(await toArrowTable(result), "stream");
}

/** An Arrow table of a query result (or of one batch of its rows), typed from DuckDB's types. */
export async function toArrowTable({ columns, types, rows }: QueryResult): Promise<Arrow.Table> {
  const A = await import("apache-arrow");
  const arrowType = (duckdbType: string): Arrow.DataType => {
    if (duckdbType.endsWith("[]"))
      return new A.List(new A.Field("item", arrowType(duckdbType.slice(0, -2)), true));
    if (["INTEGER", "SMALLINT", "TINYINT"].includes(duckdbType)) return new A.Int32();
    if (
      ["BIGINT", "HUGEINT", "DOUBLE", "FLOAT", "UBIGINT"].includes(duckdbType) ||
      duckdbType.startsWith("DECIMAL")
    )
      return new A.Float64();
    if (duckdbType === "BOOLEAN") return new A.Bool();
    if (duckdbType === "DATE") return new A.DateDay();
    if (duckdbType.startsWith("TIMESTAMP")) return new A.TimestampMillisecond();
    return new A.Utf8();
  };
  const arrowValue = (value: unknown, type: Arrow.DataType): unknown => {
    if (value === null || value === undefined) return null;
    if (A.DataType.isList(type))
      return (value as unknown[]).map((v) => arrowValue(v, type.children[0]?.type as Arrow.DataType));
    if (A.DataType.isDate(type) || A.DataType.isTimestamp(type)) return new Date(String(value));
    if (A.DataType.isUtf8(type) && typeof value !== "string") return JSON.stringify(value);
    return value;
  };
  const vectors = Object.fromEntries(
    columns.map((name, i) => {
      const type = arrowType(types[i] ?? "VARCHAR");
      return [
        name,
        A.vectorFromArray(
          rows.map((r) => arrowValue(r[name], type)),
          type,
        ),
      ];
    }),
  );
  return new A.Table(vectors);
}
