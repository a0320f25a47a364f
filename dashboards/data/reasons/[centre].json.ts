// One centre's reasons for assistance as a share of the families assisted (reasons overlap: shares never
// sum to 100 %). One row per period and reason, with the figure's id: its source (document, line, quote)
// is in data/centre/<centre_id>.json, fetched when the reader asks "skąd ta liczba?". Rodziny fetches this
// file (copied as data/reasons/<centre_id>.json, observablehq.config.ts) when the reader picks the centre.
// A batch of centres is one query (dashboards/publish-data.ts); as a script, --centre <centre_id>.
import { byCentre, CENTRE_KEY, centreIn, runCentreLoader, runQuery } from "../warehouse.ts";

const COLUMNS = [
  "centre_id",
  "period_id",
  "period_kind",
  "year",
  "period_label",
  "reason",
  "reason_label",
  "families",
  "families_assisted",
  "share",
  "observation_id",
];

await runCentreLoader(import.meta.url, async (c, centreIds) => {
  const { rows } = await runQuery(
    `select r.centre_id as ${CENTRE_KEY}, r.centre_id, c.name_pl as centre_name, r.period_id, r.period_kind, r.year,
       coalesce(p.label_pl, r.period_id) as period_label, r.reason, coalesce(r.reason_label_pl, r.reason) as reason_label,
       r.families, r.families_assisted, r.share, r.observation_id
     from marts.assistance_reasons r
     join marts.dim_centre c using (centre_id)
     left join marts.dim_period p using (period_id)
     where ${centreIn("r.centre_id", centreIds)}
     order by r.year, r.period_kind desc, r.period_id, r.families desc nulls last`,
    { columns: COLUMNS, allowEmpty: true },
    c,
  );
  return new Map([...byCentre(rows, centreIds)].map(([id, own]) => [id, JSON.stringify(own)]));
});
