import { DuckDBInstance } from "@duckdb/node-api";
import { sqlLiteral } from "../../warehouse/duckdb.ts";

/** Columns that legitimately differ between two builds of the same documents. */
const VOLATILE = new Set([
  "marts.dim_document.loaded_at",
  "meta.build_info.kind",
  "meta.build_info.built_at",
]);

/**
 * Columns compared in a normal form (none today). The data test one_value_per_figure used to list the
 * differing values with string_agg(distinct …) without an order ("12 / 14" or "14 / 12" from two
 * builds of the same data) and was normalised here; it now sorts them (list_sort), so every table is
 * compared exactly as written.
 */
const NORMALISE: Record<string, (col: string) => string> = {};

export interface TableDifference {
  table: string;
  rowsA: number;
  rowsB: number;
  onlyInA: number;
  onlyInB: number;
}

/** Compare every table of two warehouse files row by row (as multisets); returns the tables that differ. */
export async function compareWarehouses(
  a: string,
  b: string,
): Promise<{ tables: number; differences: TableDifference[] }> {
  const instance = await DuckDBInstance.create(":memory:");
  const c = await instance.connect();
  try {
    // ATTACH takes no parameter: the one quoting function of warehouse/duckdb.ts.
    await c.run(`attach ${sqlLiteral(a)} as a (read_only); attach ${sqlLiteral(b)} as b (read_only)`);
    const tables = (
      await c.runAndReadAll(
        `select schema_name || '.' || table_name from duckdb_tables() where database_name = 'a' order by 1`,
      )
    )
      .getRows()
      .map((r) => String(r[0]));
    const differences: TableDifference[] = [];
    for (const table of tables) {
      const [schema, name] = table.split(".") as [string, string];
      const cols = (
        await c.runAndReadAll(
          `select column_name from duckdb_columns() where database_name = 'a' and schema_name = $1
           and table_name = $2 order by column_index`,
          [schema, name],
        )
      )
        .getRows()
        .map((r) => String(r[0]))
        .filter((col) => !VOLATILE.has(`${table}.${col}`));
      const list = cols.map((col) => NORMALISE[`${table}.${col}`]?.(`"${col}"`) ?? `"${col}"`).join(", ");
      const [row] = (
        await c.runAndReadAll(`select
          (select count(*) from a.${table}) as rows_a,
          (select count(*) from b.${table}) as rows_b,
          (select count(*) from (select ${list} from a.${table} except all select ${list} from b.${table})) as only_a,
          (select count(*) from (select ${list} from b.${table} except all select ${list} from a.${table})) as only_b`)
      ).getRows();
      const [rowsA, rowsB, onlyInA, onlyInB] = (row ?? []).map(Number) as [number, number, number, number];
      if (onlyInA > 0 || onlyInB > 0) differences.push({ table, rowsA, rowsB, onlyInA, onlyInB });
    }
    return { tables: tables.length, differences };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}
