// The SQL page's table browser: every mart the page loads, with its Polish description and grain and
// each column's type (from the snapshot) and Polish description (`description_pl` in models/marts/*.yml).
// A column without a Polish description fails the build: the browser would otherwise show it bare.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { modelsDir } from "../../warehouse/models.ts";
import { MARTS, runLoader, runQuery } from "./warehouse.ts";

/** The part of a model's .yml the browser shows (the build reads the rest: warehouse/models.ts). */
const MartDoc = z.object({
  description_pl: z.string().min(1),
  grain: z.array(z.string()).min(1),
  columns: z
    .record(z.string(), z.object({ description_pl: z.string().min(1).optional() }).nullable())
    .default({}),
});

await runLoader(import.meta.url, async () => {
  const { rows } = await runQuery(
    `select table_name, column_name, data_type from duckdb_columns()
     where schema_name = 'marts' order by table_name, column_index`,
    { columns: ["table_name", "column_name", "data_type"] },
  );
  const undescribed: string[] = [];
  const tables = [];
  for (const mart of [...MARTS].sort()) {
    const path = join(modelsDir(), "marts", `${mart}.yml`);
    const parsed = MartDoc.safeParse(parseYaml(await readFile(path, "utf8")));
    if (!parsed.success) throw new Error(`${path}: ${z.prettifyError(parsed.error)}`);
    const doc = parsed.data;
    const columns = rows
      .filter((r) => r.table_name === mart)
      .map((r) => {
        const name = String(r.column_name);
        const description = doc.columns[name]?.description_pl ?? null;
        if (description === null) undescribed.push(`marts.${mart}.${name}`);
        return { name, type: String(r.data_type), description };
      });
    if (columns.length === 0) throw new Error(`marts.${mart} is not in the snapshot`);
    tables.push({ schema: "marts", table: mart, description: doc.description_pl, grain: doc.grain, columns });
  }
  if (undescribed.length > 0)
    throw new Error(
      `column(s) without a Polish description (description_pl in models/marts/*.yml): ${undescribed.join(", ")}`,
    );
  return JSON.stringify(tables);
});
