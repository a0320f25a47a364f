// The figures of marts.fct_observation with their labels and provenance (document, line, quote): the SQL
// shared by the per-centre loader (data/centre/[centre].json.ts). No page loads the figures of all centres.

/**
 * The columns of one figure (components/figures.ts, Observation), without what its centre and document say
 * once for all figures (centre name; document title, file, date): the page joins those back (withDocuments).
 */
export const OBSERVATION_COLUMNS = [
  "observation_id",
  "centre_id",
  "period_id",
  "period_kind",
  "year",
  "half",
  "period_label",
  "as_of_date",
  "metric_id",
  "metric_label",
  "aggregation",
  "breakdown",
  "breakdown_label",
  "value",
  "unit",
  "document_id",
  "line",
  "quote",
  "label",
  "flags",
  "note",
  "is_corrected",
] as const;

/**
 * Every figure of current documents matching `where` (over alias o = marts.fct_observation); `extra`:
 * columns selected before the figure's own (e.g. the key of a batch query).
 */
export function observationsSql(where: string, extra?: string): string {
  return `select ${extra ? `${extra},` : ""}
     o.observation_id, o.centre_id, o.period_id, o.period_kind, o.year, o.half,
     coalesce(p.label_pl, o.period_id) as period_label, o.as_of_date, o.metric_id, m.label_pl as metric_label,
     m.aggregation, o.breakdown, b.label_pl as breakdown_label, o.value, o.unit,
     o.document_id, o.line, o.quote, o.label, o.flags,
     o.note, o.is_corrected
   from marts.fct_observation o
   left join marts.dim_period p using (period_id)
   left join marts.dim_metric m using (metric_id)
   left join marts.dim_breakdown b on b.vocabulary = m.breakdown_vocabulary and b.breakdown_id = o.breakdown
   where ${where}
   order by o.metric_id, o.breakdown nulls first, o.year, o.half nulls last, o.period_id, o.observation_id`;
}

/** A SQL string literal. */
export const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
