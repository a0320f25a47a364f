// The least a Node script needs to answer a query on the published snapshot: open it read-only,
// run the SQL, print CSV. The SQL CLI (cli/sql.ts) is timed against this (bench/run.ts).
//   node bench/minimal-query.mjs <published.duckdb> "<SQL>"
import { DuckDBInstance } from "@duckdb/node-api";

const [file, sql] = process.argv.slice(2);
const instance = await DuckDBInstance.create(file, { access_mode: "READ_ONLY" });
const connection = await instance.connect();
const reader = await connection.runAndReadAll(sql);
const cell = (v) => {
  if (v === null || v === undefined) return "";
  const s =
    typeof v === "object" ? JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? String(x) : x)) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const lines = [reader.columnNames().map(cell).join(",")];
for (const row of reader.getRowsJS()) lines.push(row.map(cell).join(","));
process.stdout.write(`${lines.join("\n")}\n`);
connection.closeSync();
instance.closeSync();
