// One city's briefing data, and the provenance every other page fetches on demand: the figures of that
// centre only, each with document, line and quote, its documents, staffing norms, rates per 10,000
// residents, data-quality findings and
// the core metrics other centres report and this one lacks. A parameterised loader (--centre <centre_id>):
// the city page loads its own file; /data/centre/<centre_id>.json is also copied to the site under that
// name (observablehq.config.ts dynamicPaths), so "skąd ta liczba?" on other pages fetches only the
// centre asked about. A batch of centres is one query per table (dashboards/publish-data.ts): at national
// scale a query per centre and table was ~15,000 scans of the marts.
import { OBSERVATION_COLUMNS, observationsSql } from "../observation-sql.ts";
import { byCentre, CENTRE_KEY, centreIn, runCentreLoader, runQuery } from "../warehouse.ts";

await runCentreLoader(import.meta.url, async (c, centreIds) => {
  const all = await runQuery(
    "select centre_id, name_pl, centre_name_pl, teryt, voivodeship from marts.dim_centre order by centre_id",
    { columns: ["centre_id", "name_pl", "centre_name_pl", "teryt", "voivodeship"] },
    c,
  );
  const indexOf = new Map(all.rows.map((r, i) => [String(r.centre_id), i]));
  for (const id of centreIds) if (!indexOf.has(id)) throw new Error(`no centre ${id} in marts.dim_centre`);
  const observations = await runQuery(
    observationsSql(centreIn("o.centre_id", centreIds), `o.centre_id as ${CENTRE_KEY}`),
    { columns: OBSERVATION_COLUMNS },
    c,
  );
  const documents = await runQuery(
    `select d.centre_id as ${CENTRE_KEY}, d.document_id, d.kind, d.title, d.file_name, d.periods, d.issued_on,
         d.observation_count, d.loaded_at, d.is_current
       from marts.dim_document d where ${centreIn("d.centre_id", centreIds)}
       order by d.is_current desc, d.issued_on desc nulls last`,
    { columns: ["document_id", "title", "issued_on", "loaded_at", "is_current"], allowEmpty: true },
    c,
  );
  const staffing = await runQuery(
    `select s.centre_id as ${CENTRE_KEY}, s.period_id, coalesce(p.label_pl, s.period_id) as period_label, s.measure, s.breakdown,
         b.label_pl as breakdown_label, s.numerator, s.denominator, s.ratio, s.norm, s.exceeds_norm,
         s.is_whole_year_count, s.note_pl, s.numerator_observation_id, s.denominator_observation_id,
         s.verdict, s.legal_basis_pl, s.formula_pl, s.is_estimate, s.numerator_label_pl, s.denominator_label_pl,
         s.population_source, s.population_date, s.families_assistance_ended, s.subtracted_observation_id, s.flags
       from marts.staffing s
       left join marts.dim_period p using (period_id)
       left join marts.dim_breakdown b on b.vocabulary = 'programme' and b.breakdown_id = s.breakdown
       where ${centreIn("s.centre_id", centreIds)}
       order by s.measure, s.period_id, s.breakdown nulls first`,
    { columns: ["period_label", "measure", "ratio", "norm", "exceeds_norm", "note_pl"], allowEmpty: true },
    c,
  );
  // every count's rate per 10,000 residents where a population of its date exists (marts.rates)
  const rates = await runQuery(
    `select r.centre_id as ${CENTRE_KEY}, r.observation_id, r.centre_id, r.period_id, r.rate_per_10k, r.population,
       r.population_source, r.population_source_pl, r.formula_pl, r.source_ids
     from marts.rates r
     where ${centreIn("r.centre_id", centreIds)} and r.rate_per_10k is not null
     order by r.observation_id`,
    { columns: ["observation_id", "rate_per_10k", "formula_pl", "source_ids"], allowEmpty: true },
    c,
  );
  const quality = await runQuery(
    `select q.centre_id as ${CENTRE_KEY}, q.period_id, coalesce(p.label_pl, q.period_id) as period_label, q.metric_id,
         m.label_pl as metric_label, q.breakdown, q.document_id, d.title as document_title, q.line, q.check_name,
         q.severity, q.message_pl
       from marts.data_quality q
       left join marts.dim_period p using (period_id)
       left join marts.dim_metric m using (metric_id)
       left join marts.dim_document d using (document_id)
       where ${centreIn("q.centre_id", centreIds)}
       order by q.severity desc, q.period_id, q.metric_id, q.breakdown nulls first, q.check_name, q.document_id, q.line`,
    { columns: ["severity", "message_pl", "metric_id", "line"], allowEmpty: true },
    c,
  );
  // metrics other centres report with a value and this one never does (the page keeps the core ones)
  const absent = await runQuery(
    `with reported as (select distinct centre_id, metric_id from marts.coverage where has_value),
       asked as (select centre_id from marts.dim_centre where ${centreIn("centre_id", centreIds)})
     -- a metric some centre reports and this one does not: so another centre reports it
     select distinct a.centre_id as ${CENTRE_KEY}, r.metric_id, coalesce(m.label_pl, r.metric_id) as metric_label
       from asked a cross join (select distinct metric_id from reported) r
       left join marts.dim_metric m on m.metric_id = r.metric_id
       where not exists (select 1 from reported own where own.centre_id = a.centre_id and own.metric_id = r.metric_id)
       order by metric_label`,
    { columns: ["metric_id", "metric_label"], allowEmpty: true },
    c,
  );
  const of = (rows: typeof observations.rows) => byCentre(rows, centreIds);
  const [obs, docs, staff, rated, found, missing] = [
    observations,
    documents,
    staffing,
    rates,
    quality,
    absent,
  ].map((r) => of(r.rows));
  return new Map(
    centreIds.map((id) => {
      const index = indexOf.get(id) as number;
      return [
        id,
        JSON.stringify({
          centre: { ...all.rows[index], index, centres: all.rows.length },
          observations: obs?.get(id),
          documents: docs?.get(id),
          staffing: staff?.get(id),
          rates: rated?.get(id),
          quality: found?.get(id),
          absent: missing?.get(id),
        }),
      ];
    }),
  );
});
