// Porównanie miast, the index: the centres (in the order of their fixed colours, with where they are and
// what kind of gmina they are, for the map and for "similar gminas") and every series (metric ×
// breakdown) with its topic, how many centres report it, and the period of each kind that most centres
// report (a comparison of one city says little). The figures of one series are in
// data/series/<series>.json (data/series.tar.ts), fetched when the reader picks it; their sources
// ("skąd ta liczba?") in data/centre/<centre_id>.json, fetched when asked.

import { topicOf } from "../components/topics.ts";
import { SERIES_SQL } from "./series.ts";
import { runLoader, runQuery, withSnapshot } from "./warehouse.ts";

/** Per series and kind of period: the period with the most centres with a value (latest on a tie). */
const BEST_PERIOD_SQL = `
  select slug, period_kind, arg_max(period_id, n * 100000 + ord) as period_id, max(n) as cities
  from (
    select o.metric_id || coalesce('--' || o.breakdown, '') as slug, o.period_kind, o.period_id,
      count(distinct o.centre_id) filter (where o.value is not null) as n,
      max(o.year * 10 + coalesce(o.half, 0)) as ord
    from marts.fct_observation o
    where regexp_full_match(o.metric_id || coalesce(o.breakdown, ''), '[a-z0-9_]+')
      and o.period_kind in ('year', 'half_year')
    group by all
  )
  group by all`;

await runLoader(import.meta.url, () =>
  withSnapshot(async (c) => {
    const centres = await runQuery(
      "select centre_id, name_pl, teryt, voivodeship, powiat, gmina_type from marts.dim_centre order by centre_id",
      { columns: ["centre_id", "name_pl"] },
      c,
    );
    const series = await runQuery(
      SERIES_SQL,
      { columns: ["slug", "metric_id", "breakdown", "label", "unit", "cities"] },
      c,
    );
    const legal = await runQuery(
      "select metric_id, legal_basis from marts.dim_metric",
      { columns: [], allowEmpty: true },
      c,
    );
    const basis = new Map(legal.rows.map((r) => [String(r.metric_id), r.legal_basis as string | null]));
    const best = await runQuery(BEST_PERIOD_SQL, { columns: [], allowEmpty: true }, c);
    const bestOf = (slug: unknown) =>
      Object.fromEntries(
        best.rows
          .filter((b) => b.slug === slug)
          .map((b) => [String(b.period_kind), { period_id: b.period_id, cities: Number(b.cities) }]),
      );
    return JSON.stringify({
      centres: centres.rows,
      series: series.rows.map((s) => ({
        ...s,
        topic: topicOf(String(s.metric_id), basis.get(String(s.metric_id))),
        best: bestOf(s.slug),
      })),
    });
  }),
);
