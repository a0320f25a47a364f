// Shared code of the data loaders: open the published snapshot read-only, run one query, fail loudly,
// write one file to stdout. Loaders never read the file a pipeline build writes.

import { Buffer } from "node:buffer";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
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

export async function withSnapshot<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
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
function plain(value: unknown, type: string): unknown {
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

/**
 * The body of a loader: run `main`, write what it returns to stdout. A failure prints one line naming the
 * loader and exits 1, so `observable build` stops with the reason instead of publishing an empty chart.
 */
export async function runLoader(loaderUrl: string, main: () => Promise<string | Uint8Array>): Promise<void> {
  const name = basename(new URL(loaderUrl).pathname);
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

/** A JSON loader: one query, its rows as an array of objects. */
export function jsonLoader(
  loaderUrl: string,
  sql: string,
  expect: { columns: readonly string[]; allowEmpty?: boolean },
) {
  return runLoader(loaderUrl, async () => JSON.stringify((await runQuery(sql, expect)).rows));
}

/** Every row of a mart, with column types (an empty data_quality is a clean snapshot, not an error). */
export async function selectMart(mart: Mart, connection?: DuckDBConnection): Promise<QueryResult> {
  return runQuery(
    `select * from marts.${mart}`,
    { columns: [], allowEmpty: mart === "data_quality" },
    connection,
  ).catch((e: Error) => {
    throw new Error(`marts.${mart}: ${e.message}`);
  });
}

// --- Parquet: DuckDB writes it natively (to a temporary file, then stdout) ----------------------------

export async function martParquet(mart: Mart, connection: DuckDBConnection): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "obs-parquet-"));
  const file = join(dir, `${mart}.parquet`);
  try {
    await connection.run(
      `copy (select * from marts.${mart}) to '${file}' (format parquet, compression zstd)`,
    );
    return new Uint8Array(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// --- Arrow IPC for duckdb-wasm (DuckDB has no native Arrow output here) -------------------------------

/** Arrow IPC stream of a query result with types from DuckDB's; apache-arrow loads only when needed. */
export async function toArrowIpc({ columns, types, rows }: QueryResult): Promise<Uint8Array> {
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
  return A.tableToIPC(new A.Table(vectors), "stream");
}

// --- A tar archive (ustar), so one loader can write every mart in every format -----------------------

function tarHeader(name: string, size: number): Uint8Array {
  const header = new Uint8Array(512);
  const put = (text: string, offset: number, length: number) =>
    header.set(new TextEncoder().encode(text).subarray(0, length), offset);
  const octal = (n: number, length: number) => `${n.toString(8).padStart(length - 1, "0")}\0`;
  if (name.length > 100) throw new Error(`tar member name too long: ${name}`);
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  put("        ", 148, 8); // checksum is computed with its own field as spaces
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  const sum = header.reduce((a, b) => a + b, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return header;
}

export function toTar(files: { name: string; data: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const { name, data } of files) {
    parts.push(tarHeader(name, data.length), data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}
