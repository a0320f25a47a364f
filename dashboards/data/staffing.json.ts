// Staffing against statutory norms: residents per social worker (2 000) and families per family
// assistant (15 at a time). One row per centre, period, measure and programme; ratio null when unknown.
// Each side carries the provenance of the figure it was read from (marts.staffing's observation ids), so
// "skąd ta liczba?" leads to the document, line and quote without shipping every figure to the page.
import { jsonLoader } from "./warehouse.ts";

const side = (alias: string, prefix: string) =>
  `${alias}.observation_id as ${prefix}_observation_id, ${alias}d.title as ${prefix}_document_title,
   ${alias}d.file_name as ${prefix}_file_name, ${alias}.line as ${prefix}_line, ${alias}.quote as ${prefix}_quote,
   ${alias}.label as ${prefix}_label, ${alias}.flags as ${prefix}_flags, ${alias}.note as ${prefix}_note,
   ${alias}.is_corrected as ${prefix}_is_corrected`;

await jsonLoader(
  import.meta.url,
  `select s.centre_id, c.name_pl as centre_name, s.period_id, coalesce(p.label_pl, s.period_id) as period_label,
     s.measure, s.breakdown, b.label_pl as breakdown_label, s.numerator, s.denominator, s.ratio, s.norm,
     s.exceeds_norm, s.is_whole_year_count, s.note_pl, ${side("n", "numerator")}, ${side("d", "denominator")}
   from marts.staffing s
   join marts.dim_centre c using (centre_id)
   left join marts.dim_period p using (period_id)
   left join marts.dim_breakdown b on b.vocabulary = 'programme' and b.breakdown_id = s.breakdown
   left join marts.fct_observation n on n.observation_id = s.numerator_observation_id
   left join marts.dim_document nd on nd.document_id = n.document_id
   left join marts.fct_observation d on d.observation_id = s.denominator_observation_id
   left join marts.dim_document dd on dd.document_id = d.document_id
   order by s.measure, s.centre_id, s.period_id, s.breakdown nulls first`,
  {
    columns: [
      "centre_id",
      "centre_name",
      "period_id",
      "period_label",
      "measure",
      "breakdown",
      "breakdown_label",
      "numerator",
      "denominator",
      "ratio",
      "norm",
      "exceeds_norm",
      "is_whole_year_count",
      "note_pl",
      "numerator_observation_id",
      "numerator_quote",
      "denominator_observation_id",
      "denominator_quote",
    ],
  },
);
