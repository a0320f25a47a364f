// Every mart in three formats, as files of the published data (marts/<mart>.<ext>):
//   .csv      for Polish Excel (semicolon, decimal comma, UTF-8 BOM), downloaded from Dane i słownik;
//   .parquet  written by DuckDB itself (COPY … TO, zstd), downloaded from Dane i słownik;
//   .arrow    Arrow IPC stream, loaded into duckdb-wasm on the SQL page.
// Streamed in batches of rows: at national scale fct_observation is 3 M rows, whose CSV (~750 MB) does not
// fit in one JavaScript string and whose rows as JS objects would need several GB.
import { createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import type * as Arrow from "apache-arrow";
import { excelCell } from "../components/excel-csv.ts";
import { MARTS, plain, type Row, toArrowTable } from "./warehouse.ts";

/** Rows per batch of the CSV and of the Arrow stream (a record batch each). */
const BATCH_ROWS = 65_536;

/** A path as a SQL string literal (DuckDB does not take COPY's target as a parameter). */
const sqlPath = (path: string) => `'${path.replaceAll("'", "''")}'`;

/**
 * Write every mart's files (or those of the marts in `only`); `pathOf` gives the absolute path of a file of
 * the build (its directory made). Returns the number of files written.
 */
export async function writeMartFiles(
  c: DuckDBConnection,
  pathOf: (name: string) => Promise<string>,
  only?: ReadonlySet<string>,
): Promise<number> {
  const A = await import("apache-arrow");
  let files = 0;
  for (const mart of MARTS) {
    if (only && !only.has(mart)) continue;
    try {
      // `mart` is one of MARTS (a fixed list of names), never input
      await c.run(
        `copy (select * from marts.${mart}) to ${sqlPath(await pathOf(`marts/${mart}.parquet`))} (format parquet, compression zstd)`,
      );
      const result = await c.stream(`select * from marts.${mart}`);
      const columns = result.columnNames();
      const types = result.columnTypes().map(String);
      const csv = await open(await pathOf(`marts/${mart}.csv`), "w");
      const arrow = new A.RecordBatchStreamWriter();
      const arrowWritten = pipeline(
        arrow.toNodeStream(),
        createWriteStream(await pathOf(`marts/${mart}.arrow`)),
      );
      try {
        await csv.write(`\ufeff${columns.map((name) => excelCell(name)).join(";")}\r\n`);
        let batch: Row[] = [];
        let any = false;
        // one schema for every batch, every column nullable: a table's own schema says "not null" for a
        // column without a null in it, and the stream writer closes when a later batch's schema differs
        let schema: Arrow.Schema | null = null;
        const flush = async () => {
          const lines = batch.map((row) =>
            columns.map((name, i) => excelCell(row[name], types[i] ?? "")).join(";"),
          );
          if (lines.length > 0) await csv.write(`${lines.join("\r\n")}\r\n`);
          // an empty mart still gets its schema (a table of no rows)
          if (batch.length > 0 || !any) {
            const table = await toArrowTable({ columns, types, rows: batch });
            schema ??= new A.Schema(table.schema.fields.map((f) => f.clone({ nullable: true })));
            for (const b of table.batches) arrow.write(new A.RecordBatch(schema, b.data));
          }
          any = true;
          batch = [];
        };
        for await (const rows of result.yieldRowObjectJs()) {
          for (const r of rows) {
            const row: Row = {};
            columns.forEach((name, i) => {
              row[name] = plain(r[name], types[i] ?? "");
            });
            batch.push(row);
          }
          if (batch.length >= BATCH_ROWS) await flush();
        }
        if (batch.length > 0 || !any) await flush();
      } finally {
        await csv.close();
        arrow.finish();
        await arrowWritten;
      }
    } catch (e) {
      throw new Error(`marts.${mart}: ${(e as Error).message}`);
    }
    files += 3;
  }
  return files;
}
