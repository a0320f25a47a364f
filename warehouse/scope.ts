/**
 * The centres a build brings up to date, in the table every per-centre model and test reads
 * (build.touched_centres). A full build, and any model or test run whole, sees every centre; the
 * per-centre steps of an incremental build see the new documents' centres. The published snapshot
 * keeps every centre in it, so a model's SQL run on the snapshot gives the whole model.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { listValue } from "@duckdb/node-api";
import { TOUCHED_CENTRES } from "./models.ts";

/** Every centre a build holds: the seeds', the documents', the figures' and the report calendar's. */
const EVERY_CENTRE = `
  select distinct centre_id from (
    select centre_id from seeds.centres
    union all select centre_id from raw.documents
    union all select centre_id from raw.observations
    union all select centre_id from raw.partitions
  ) where centre_id is not null`;

/**
 * Take every centre afresh from the loaded tables (the engine calls it once its raw rows are loaded);
 * setScope("all") reuses that list on the same connection (computing it scans every figure).
 */
export async function countEveryCentre(connection: DuckDBConnection): Promise<void> {
  await connection.run(`create or replace temp table every_centre as ${EVERY_CENTRE}`);
}

/** Every centre (`"all"`) or the given ones. */
export type Scope = "all" | readonly string[];

/** Fill build.touched_centres for what runs next. */
export async function setScope(connection: DuckDBConnection, scope: Scope): Promise<void> {
  await connection.run("create schema if not exists build");
  if (scope === "all") {
    await connection.run(`create temp table if not exists every_centre as ${EVERY_CENTRE}`);
    await connection.run(
      `create or replace table ${TOUCHED_CENTRES} as select * from temp.every_centre order by centre_id`,
    );
  } else
    await connection.run(
      `create or replace table ${TOUCHED_CENTRES} as
       select distinct unnest($1::varchar[]) as centre_id order by centre_id`,
      [listValue([...scope])],
    );
}
