// Staffing against statutory norms: residents per social worker (2 000) and families per family
// assistant (15 at a time). One row per centre, period, measure and programme; ratio null when unknown.
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  `select s.centre_id, c.name_pl as centre_name, s.period_id, coalesce(p.label_pl, s.period_id) as period_label,
     s.measure, s.breakdown, b.label_pl as breakdown_label, s.numerator, s.denominator, s.ratio, s.norm,
     s.exceeds_norm, s.is_whole_year_count, s.note_pl
   from marts.staffing s
   join marts.dim_centre c using (centre_id)
   left join marts.dim_period p using (period_id)
   left join marts.dim_breakdown b on b.vocabulary = 'programme' and b.breakdown_id = s.breakdown
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
    ],
  },
);
