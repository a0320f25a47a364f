// Staffing against the statutory norms in force each year (marts.staffing): residents per social worker
// (2 000), families in social work per social worker (50, from 2015), families per family assistant (15 at
// a time; 20 before 2016) and the estimated year-end caseload. One row per centre, period, measure and
// programme, with its verdict in Polish, legal basis and formula; ratio null when unknown.
// No quotes: each side carries the id of the figure it was read from (marts.staffing's observation ids),
// and "skąd ta liczba?" fetches the centre's file (data/centre/<centre_id>.json) when asked.
// A few centres (at most ALL_PERIODS_CENTRES): every period of each. More (2,477 gminas × 30 periods ×
// programmes would be megabytes): each centre's latest period only, and per measure at most
// STAFFING_CENTRES centres, those furthest above the norm; any other centre's ratios, every period, are in
// its own file, which Kadry loads when the reader picks the centre.
import { jsonLoader } from "./warehouse.ts";

const STAFFING_CENTRES = 20;
const ALL_PERIODS_CENTRES = 6;

await jsonLoader(
  import.meta.url,
  `with dated as (
     select s.*,
       dense_rank() over (partition by s.measure, s.centre_id
                          order by p.end_date desc nulls last, (p.period_kind = 'year') desc) as recency
     from marts.staffing s
     left join marts.dim_period p using (period_id)
   ),
   shown as (
     select * from dated
     where recency = 1 or (select count(distinct centre_id) from marts.staffing) <= ${ALL_PERIODS_CENTRES}
   ),
   ranked as (
     select measure, centre_id,
       row_number() over (partition by measure order by max(ratio / norm) desc nulls last, centre_id) as rank
     from shown
     group by measure, centre_id
   )
   select s.centre_id, c.name_pl as centre_name, s.period_id, coalesce(p.label_pl, s.period_id) as period_label,
     s.measure, s.breakdown, b.label_pl as breakdown_label, s.numerator, s.denominator, s.ratio, s.norm,
     s.exceeds_norm, s.is_whole_year_count, s.note_pl, s.numerator_observation_id, s.denominator_observation_id,
     s.verdict, s.legal_basis_pl, s.formula_pl, s.is_estimate, s.numerator_label_pl, s.denominator_label_pl,
     s.population_source, s.population_date, s.families_assistance_ended, s.subtracted_observation_id, s.flags,
     r.rank
   from shown s
   join ranked r using (measure, centre_id)
   join marts.dim_centre c using (centre_id)
   left join marts.dim_period p using (period_id)
   left join marts.dim_breakdown b on b.vocabulary = 'programme' and b.breakdown_id = s.breakdown
   where r.rank <= ${STAFFING_CENTRES}
   order by s.measure, r.rank, s.period_id, s.breakdown nulls first`,
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
      "verdict",
      "rank",
    ],
  },
);
