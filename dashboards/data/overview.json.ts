// Everything the first page (Przegląd) shows, aggregated in SQL so its size does not grow with the number
// of centres: at national scale (2,477 gminas × 15 years, ~3 M figures) it stays a few hundred kB.
//   - key figures of at most SHOWN centres (all when there are few; else those with the most families),
//     only their latest and previous comparable periods, each with its provenance;
//   - the trend of families assisted for at most TREND centres;
//   - data freshness: the centres that are behind (all of them when there are few) and national counts;
//   - red flags: the largest staffing-norm breaches, the centres with the most data-quality warnings.
// It never ships raw rows: per-centre detail is on the centre's own page.
import type { DuckDBConnection } from "@duckdb/node-api";
import { MAP_POINTS } from "../components/compare.ts";
import { type Row, runLoader, runQuery, withSnapshot } from "./warehouse.ts";

/** Centres with key-figure cards, trend lines, rows in the freshness and red-flag lists (caps). */
export const SHOWN = 12;
export const TREND = 8;
export const LISTED = 25;

export const KEY_METRICS = [
  "families_assisted",
  "families_with_family_assistant",
  "family_assistants",
  "nk_a_forms",
  "social_workers",
];

const ORDER = "(o.year * 10 + case o.half when 1 then 3 when 2 then 6 else 9 end)";
const list = (ids: string[]) =>
  ids.length ? ids.map((i) => `'${i.replaceAll("'", "''")}'`).join(", ") : "''";

/** The figures in the shape of data/observations.json (the pages' helpers group them into series). */
const FIGURES = `
  select o.observation_id, o.centre_id, c.name_pl as centre_name, o.period_id, o.period_kind, o.year, o.half,
    coalesce(p.label_pl, o.period_id) as period_label, o.as_of_date, o.metric_id, m.label_pl as metric_label,
    m.aggregation, o.breakdown, null::varchar as breakdown_label, o.value, o.unit, o.document_id,
    d.title as document_title, d.file_name, d.issued_on, o.line, o.quote, o.label, o.flags, o.note, o.is_corrected,
    ${ORDER} as period_order
  from marts.fct_observation o
  join marts.dim_centre c using (centre_id)
  left join marts.dim_period p using (period_id)
  left join marts.dim_metric m using (metric_id)
  left join marts.dim_document d using (document_id)`;

async function overview(c: DuckDBConnection) {
  const q = (sql: string, columns: string[] = [], allowEmpty = true) =>
    runQuery(sql, { columns, allowEmpty }, c).then((r) => r.rows);
  const [snapshot] = await q(
    `select (select count(*) from marts.dim_centre) as centres,
       (select count(*) from marts.dim_document where is_current) as documents,
       (select count(*) from marts.fct_observation) as figures,
       (select max(loaded_at) from marts.dim_document) as loaded_at,
       (select count(distinct centre_id) from marts.fct_observation) as centres_with_figures`,
    ["centres", "documents", "figures", "loaded_at"],
    false,
  );
  if (!snapshot || Number(snapshot.figures) === 0) throw new Error("marts.fct_observation is empty");

  // the centres with cards: all of them when few, else those with the most families in their latest year
  const shown = await q(
    `with latest as (
       select centre_id, arg_max(value, year) as families
       from marts.fct_observation
       where metric_id = 'families_assisted' and breakdown is null and period_kind = 'year' and value is not null
       group by all
     ),
     counts as (
       select centre_id, count(*) as figures, count(distinct metric_id) as metrics
       from marts.fct_observation group by all
     )
     select c.centre_id, c.name_pl, c.voivodeship, coalesce(n.figures, 0) as figures,
       coalesce(n.metrics, 0) as metrics, l.families
     from marts.dim_centre c left join latest l using (centre_id) left join counts n using (centre_id)
     order by ${Number(snapshot.centres) > SHOWN ? "l.families desc nulls last, " : ""}c.name_pl
     limit ${SHOWN}`,
    ["centre_id", "name_pl", "voivodeship", "figures", "metrics"],
  );
  const shownIds = shown.map((s) => String(s.centre_id));

  // key figures: the latest period of each series and the same kind of period a year earlier
  const cards = await q(
    `with f as (${FIGURES} where o.centre_id in (${list(shownIds)}) and o.breakdown is null
                 and o.metric_id in (${list(KEY_METRICS)})),
     latest as (select centre_id, metric_id, max(period_order) as period_order from f group by all)
     select f.* exclude (period_order)
     from f join latest l on l.centre_id = f.centre_id and l.metric_id = f.metric_id
       and f.period_order in (l.period_order, l.period_order - 10)
     order by f.centre_id, f.metric_id, f.period_order, f.line`,
  );

  // trend of families assisted: the shown centres with the most families
  const trendIds = shownIds.filter((id) => shown.find((s) => s.centre_id === id)?.families != null);
  // only what the chart and its tooltip ("skąd ta liczba?": document, line, quote) read
  const trend = await q(
    `select centre_id, centre_name, period_id, period_kind, year, period_label, metric_label, value, document_title,
       line, quote, flags
     from (${FIGURES} where o.centre_id in (${list(trendIds.slice(0, TREND))}) and o.metric_id = 'families_assisted'
       and o.breakdown is null)
     order by centre_id, period_order, line`,
  );

  // reporting deadlines (marts.partition_status; absent in snapshots built before it existed)
  const [{ n: hasPartitions } = { n: 0 }] = await q(
    `select count(*) as n from information_schema.tables
     where table_schema = 'marts' and table_name = 'partition_status'`,
  );
  const partitions = hasPartitions
    ? ((
        await q(
          `select count(*) as total, count(*) filter (where state = 'late') as late,
           count(*) filter (where state = 'expected') as expected,
           count(*) filter (where state = 'received') as received,
           count(distinct centre_id) filter (where state = 'late') as late_centres,
           max(checked_at) as checked_at
         from marts.partition_status`,
        )
      )[0] as Row)
    : null;
  const lateRows = hasPartitions
    ? await q(
        `select s.centre_id, c.name_pl as centre_name, s.report_kind,
           coalesce((select any_value(d.title order by d.issued_on desc) from marts.dim_document d
                     where d.centre_id = s.centre_id and d.kind = s.report_kind), s.report_kind) as report_title,
           s.period_id, s.period_label_pl as period_label, s.deadline, s.days_late
         from marts.partition_status s left join marts.dim_centre c using (centre_id)
         where s.state = 'late'
         order by s.days_late desc, c.name_pl, s.period_id
         limit ${LISTED}`,
      )
    : [];

  // freshness per centre: every centre when few, else those furthest behind
  const freshness = await q(
    `with figures as (
       select o.centre_id, arg_max(coalesce(p.label_pl, o.period_id), ${ORDER}) as latest_period,
         max(${ORDER}) as latest_order
       from marts.fct_observation o left join marts.dim_period p using (period_id) group by all
     ),
     docs as (
       select centre_id, count(*) filter (where is_current) as documents,
         max(issued_on) filter (where is_current) as issued_on
       from marts.dim_document group by all
     ),
     late as (
       ${
         hasPartitions
           ? "select centre_id, string_agg(period_label_pl, ', ' order by period_id) as late_periods, count(*) as late_count from marts.partition_status where state = 'late' group by all"
           : "select null::varchar as centre_id, null::varchar as late_periods, 0 as late_count where false"
       }
     )
     select c.centre_id, c.name_pl, coalesce(d.documents, 0) as documents, f.latest_period, d.issued_on,
       l.late_periods, coalesce(l.late_count, 0) as late_count
     from marts.dim_centre c
     left join figures f using (centre_id) left join docs d using (centre_id) left join late l using (centre_id)
     order by ${Number(snapshot.centres) > LISTED ? "coalesce(l.late_count, 0) desc, f.latest_order nulls first, " : ""}c.name_pl
     limit ${LISTED}`,
    ["centre_id", "name_pl", "documents", "latest_period", "issued_on", "late_periods"],
  );
  const [latestPeriod] = await q(
    `with per_centre as (select centre_id, max(${ORDER}) as latest_order from marts.fct_observation o group by all)
     select max(latest_order) as latest_order, count(*) filter (where latest_order = (select max(latest_order) from per_centre)) as up_to_date
     from per_centre`,
  );

  // red flags
  const breaches = await q(
    `select s.centre_id, c.name_pl as centre_name, s.period_id, coalesce(p.label_pl, s.period_id) as period_label,
       s.measure, s.breakdown, b.label_pl as breakdown_label, s.ratio, s.norm, s.is_whole_year_count
     from marts.staffing s join marts.dim_centre c using (centre_id)
     left join marts.dim_period p using (period_id)
     left join marts.dim_breakdown b on b.vocabulary = 'programme' and b.breakdown_id = s.breakdown
     where s.exceeds_norm
     order by s.is_whole_year_count, s.ratio / s.norm desc
     limit ${LISTED}`,
  );
  const [counts] = await q(
    `select (select count(*) from marts.staffing where exceeds_norm) as breach_count,
       (select count(*) from marts.data_quality where severity = 'warn') as warning_count,
       (select count(distinct centre_id) from marts.data_quality where severity = 'warn') as warning_centres,
       (select count(*) from marts.fct_observation where is_corrected) as corrected`,
  );
  const warnings = await q(
    `select q.centre_id, c.name_pl as centre_name, count(*) as warnings
     from marts.data_quality q join marts.dim_centre c using (centre_id)
     where q.severity = 'warn' group by all order by warnings desc, centre_name limit ${LISTED}`,
  );

  // the map: the key figure most centres report (yearly); each centre's latest year as a point while few,
  // else per powiat for the one year most centres report (at most 380 rows at national scale): the counts
  // and residents of its gminas that have both, so the page shows a rate per 10,000 residents
  const [mapMetric] = await q(
    `select o.metric_id, any_value(m.label_pl) as label, any_value(o.unit) as unit,
       count(distinct o.centre_id) as centres
     from marts.fct_observation o left join marts.dim_metric m using (metric_id)
     where o.metric_id in (${list(KEY_METRICS)}) and o.breakdown is null and o.period_kind = 'year'
       and o.value is not null
     group by o.metric_id order by centres desc, list_position([${list(KEY_METRICS)}], o.metric_id)
     limit 1`,
  );
  const mapMetricId = String(mapMetric?.metric_id ?? KEY_METRICS[0]);
  // with the population of the figure's date where there is one (marts.rates), for a rate per powiat
  const yearly = `select o.centre_id, o.year, o.value, r.population from marts.fct_observation o
     left join marts.rates r on r.observation_id = o.observation_id and r.rate_per_10k is not null
     where o.metric_id = '${mapMetricId.replaceAll("'", "''")}' and o.breakdown is null
       and o.period_kind = 'year' and o.value is not null`;
  const points = Number(snapshot.centres) <= MAP_POINTS;
  const mapRows = points
    ? await q(
        `select c.centre_id, c.name_pl, c.voivodeship, c.powiat, l.year, l.value
         from marts.dim_centre c
         left join (select centre_id, arg_max(year, year) as year, arg_max(value, year) as value
                    from (${yearly}) group by all) l using (centre_id)
         order by c.name_pl`,
      )
    : await q(
        `with y as (${yearly}),
         best as (select year from y group by year order by count(distinct centre_id) desc, year desc limit 1)
         select c.voivodeship, c.powiat, count(*) as centres, count(y.value) as reporting,
           -- the powiat's rate: its gminas with both a count and a population of that date
           sum(y.value) filter (where y.population > 0) as value,
           sum(y.population) filter (where y.population > 0) as residents,
           (select year from best) as year
         from marts.dim_centre c left join y on y.centre_id = c.centre_id and y.year = (select year from best)
         group by all`,
      );
  const map = {
    mode: points ? "points" : "areas",
    metric_id: mapMetricId,
    label: mapMetric?.label ?? mapMetricId,
    unit: mapMetric?.unit ?? null,
    rows: mapRows,
  };

  return {
    map,
    snapshot: {
      ...snapshot,
      latest_order: latestPeriod?.latest_order ?? null,
      up_to_date: latestPeriod?.up_to_date ?? 0,
    },
    limits: { shown: SHOWN, trend: TREND, listed: LISTED },
    shown,
    cards,
    trend,
    freshness,
    late: {
      available: Boolean(partitions && Number(partitions.total) > 0),
      counts: partitions,
      rows: lateRows,
    },
    flags: { ...counts, breaches, warnings },
  };
}

await runLoader(import.meta.url, () => withSnapshot(async (c) => JSON.stringify(await overview(c))));
