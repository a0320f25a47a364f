import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

/** Open a DuckDB file and give a connection; `close` releases both (DuckDB allows one writer process). */
export async function openDuckDb(path: string, options: Record<string, string> = {}) {
  const instance = await DuckDBInstance.create(path, options);
  const connection = await instance.connect();
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Rows of a query as plain JS objects (BIGINT → number where safe). */
export async function queryRows(
  connection: DuckDBConnection,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row))
      out[k] = typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    return out;
  });
}

export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
