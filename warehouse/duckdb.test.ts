import { describe, expect, it } from "vitest";
import { openDuckDb, queryRows, sqlIdentifier, sqlLiteral } from "./duckdb.ts";

/** The one quoting function of each kind, checked by DuckDB itself reading back what it was given. */
describe("quoting for DuckDB where no parameter can stand", () => {
  const awkward = ["plain", "it's", "''", "a'; drop table t; --", 'say "hi"', "zażółć\njaźń", ""];

  it("sqlLiteral gives back every string as it was", async () => {
    const db = await openDuckDb(":memory:");
    try {
      for (const s of awkward) {
        const [row] = await queryRows(db.connection, `select ${sqlLiteral(s)} as v`);
        expect(row?.v).toBe(s);
      }
    } finally {
      db.close();
    }
  });

  it("sqlIdentifier names a table and a column whatever their names hold", async () => {
    const db = await openDuckDb(":memory:");
    try {
      for (const name of awkward.filter((n) => n !== "")) {
        const t = sqlIdentifier(`t ${name}`);
        const c = sqlIdentifier(name);
        await db.connection.run(`create table ${t} (${c} integer)`);
        await db.connection.run(`insert into ${t} values ($1)`, [7]);
        const [row] = await queryRows(db.connection, `select ${c} from ${t}`);
        expect(row?.[name]).toBe(7);
        const tables = await queryRows(db.connection, "select table_name from information_schema.tables");
        expect(tables.map((r) => r.table_name)).toContain(`t ${name}`);
        await db.connection.run(`drop table ${t}`);
      }
    } finally {
      db.close();
    }
  });
});
