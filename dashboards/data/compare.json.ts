// Porównanie miast, the index: the centres (in the order of their fixed colours) and every series
// (metric × breakdown) with how many centres report it. The figures of one series are in
// data/series/<series>.json (data/series.tar.ts), fetched when the reader picks it; their sources
// ("skąd ta liczba?") in data/centre/<centre_id>.json, fetched when asked.

import { SERIES_SQL } from "./series.ts";
import { runLoader, runQuery, withSnapshot } from "./warehouse.ts";

await runLoader(import.meta.url, () =>
  withSnapshot(async (c) => {
    const centres = await runQuery(
      "select centre_id, name_pl from marts.dim_centre order by centre_id",
      { columns: ["centre_id", "name_pl"] },
      c,
    );
    const series = await runQuery(
      SERIES_SQL,
      { columns: ["slug", "metric_id", "breakdown", "label", "unit", "cities"] },
      c,
    );
    return JSON.stringify({ centres: centres.rows, series: series.rows });
  }),
);
