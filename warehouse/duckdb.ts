import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";

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

/**
 * Open a warehouse snapshot (the published one, or a build) read-only: every reader of a snapshot
 * opens it through this one function (the analysts' SQL sandbox attaches it with more rules,
 * warehouse/sandbox.ts). Many processes may read it at once; none can write it this way.
 */
export const openSnapshot = (path: string) => openDuckDb(path, { access_mode: "READ_ONLY" });

/** Values bound to a statement's `$1, $2, …` (an array) or `$name` (an object): never spliced into the SQL. */
export type SqlParams = DuckDBValue[] | Record<string, DuckDBValue>;

/** Rows of a query as plain JS objects (BIGINT → number where safe); values go in as bound parameters. */
export async function queryRows(
  connection: DuckDBConnection,
  sql: string,
  params?: SqlParams,
): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row))
      out[k] = typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    return out;
  });
}

/**
 * A string as a SQL literal, for the few places DuckDB takes no parameter: an ATTACH path, and SQL
 * text that is itself the product (a data test's query, stored and shown as it is). Everything else
 * binds its values (queryRows' `params`, `connection.run(sql, params)`).
 */
export const sqlLiteral = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * A table, schema or column name as a quoted SQL identifier, for where a name comes from data
 * (information_schema, a model's file name) and no parameter can stand: `a"b` → `"a""b"`.
 */
export const sqlIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;
