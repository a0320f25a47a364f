// Reporting deadlines from the service (marts.partition_status: centre × period expected/received/late).
// The table may not exist yet: then the page says "brak danych o terminach" instead of guessing.
import { runLoader, runQuery, withSnapshot } from "./warehouse.ts";

await runLoader(import.meta.url, () =>
  withSnapshot(async (c) => {
    const exists = await runQuery(
      `select count(*) as n from information_schema.tables
       where table_schema = 'marts' and table_name = 'partition_status'`,
      { columns: ["n"] },
      c,
    );
    if (exists.rows[0]?.n === 0) return JSON.stringify({ available: false, rows: [] });
    const status = await runQuery(
      "select * from marts.partition_status",
      { columns: ["centre_id", "period_id"], allowEmpty: true },
      c,
    );
    return JSON.stringify({ available: true, columns: status.columns, rows: status.rows });
  }),
);
