// Every mart in three formats, as files of the published data (marts/<mart>.<ext>):
//   .csv      for Polish Excel (semicolon, decimal comma, UTF-8 BOM), downloaded from Dane i słownik;
//   .parquet  written from the Arrow stream in Node (parquet-wasm), downloaded from Dane i słownik;
//   .arrow    Arrow IPC stream, loaded into duckdb-wasm on the SQL page.
import type { DuckDBConnection } from "@duckdb/node-api";
import { MARTS, selectMart, toArrowIpc, toExcelCsv, toParquet } from "./warehouse.ts";

/** Write every mart's files (or those of the marts in `only`) through `write`. */
export async function writeMartFiles(
  c: DuckDBConnection,
  write: (name: string, data: string | Uint8Array) => Promise<void>,
  only?: ReadonlySet<string>,
): Promise<number> {
  for (const mart of MARTS) {
    if (only && !only.has(mart)) continue;
    const table = await selectMart(mart, c);
    const arrow = await toArrowIpc(table);
    await write(`marts/${mart}.csv`, toExcelCsv(table));
    await write(`marts/${mart}.arrow`, arrow);
    await write(`marts/${mart}.parquet`, await toParquet(arrow));
  }
  return (only?.size ?? MARTS.length) * 3;
}
