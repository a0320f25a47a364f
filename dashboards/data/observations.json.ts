// Every figure with its labels and provenance (document, line, quote): the source of key figures,
// comparisons and "skąd ta liczba?" on every page. One row per figure of a current document.
import { jsonLoader } from "./warehouse.ts";

const COLUMNS = [
  "observation_id",
  "centre_id",
  "centre_name",
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
  "document_title",
  "file_name",
  "issued_on",
  "line",
  "quote",
  "label",
  "flags",
  "note",
  "is_corrected",
] as const;

await jsonLoader(
  import.meta.url,
  `select
     o.observation_id, o.centre_id, c.name_pl as centre_name, o.period_id, o.period_kind, o.year, o.half,
     coalesce(p.label_pl, o.period_id) as period_label, o.as_of_date, o.metric_id, m.label_pl as metric_label,
     m.aggregation, o.breakdown, b.label_pl as breakdown_label, o.value, o.unit,
     o.document_id, d.title as document_title, d.file_name, d.issued_on, o.line, o.quote, o.label, o.flags,
     o.note, o.is_corrected
   from marts.fct_observation o
   join marts.dim_centre c using (centre_id)
   left join marts.dim_period p using (period_id)
   left join marts.dim_metric m using (metric_id)
   left join marts.dim_breakdown b on b.vocabulary = m.breakdown_vocabulary and b.breakdown_id = o.breakdown
   left join marts.dim_document d using (document_id)
   order by o.centre_id, o.metric_id, o.breakdown nulls first, o.year, o.half nulls last`,
  { columns: COLUMNS },
);
