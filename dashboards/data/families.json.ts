// Families receiving assistance and the main forms of support. One row per centre and period
// (null where the report gives no figure or contradicts itself; `contradicting` lists the values then).
// No quotes: "skąd ta liczba?" fetches the centre's file (data/centre/<centre_id>.json) when asked.
import { PAGE_CENTRES_SQL } from "./series.ts";
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  `select f.centre_id, c.name_pl as centre_name, f.period_id, f.period_kind, f.year, f.half,
     coalesce(p.label_pl, f.period_id) as period_label, f.families_assisted, f.families_social_work,
     f.families_social_work_only, f.families_family_benefits, f.families_alimony_fund,
     coalesce(x.contradicting, []) as contradicting
   from marts.families f
   left join (
     -- measures the mart leaves null because the document gives two values: the values as written
     select centre_id, period_id, list({'metric_id': metric_id, 'values': vals}) as contradicting
     from (
       select centre_id, period_id, metric_id, list(distinct value::double order by value::double) as vals
       from marts.fct_observation
       where breakdown is null and value is not null and metric_id in ('families_assisted',
         'families_social_work', 'families_social_work_only', 'families_family_benefits', 'families_alimony_fund')
       group by all
       having count(distinct value) > 1
     ) group by all
   ) x using (centre_id, period_id)
   join marts.dim_centre c using (centre_id)
   left join marts.dim_period p using (period_id)
   where f.centre_id in (${PAGE_CENTRES_SQL})
   order by f.centre_id, f.year, f.half nulls last`,
  {
    columns: [
      "centre_id",
      "centre_name",
      "period_id",
      "period_kind",
      "year",
      "half",
      "period_label",
      "families_assisted",
      "families_social_work",
      "families_social_work_only",
      "families_family_benefits",
      "families_alimony_fund",
      "contradicting",
    ],
  },
);
