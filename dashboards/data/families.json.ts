// Families receiving assistance and the main forms of support. One row per centre and period
// (null where the report gives no figure or contradicts itself).
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  `select f.centre_id, c.name_pl as centre_name, f.period_id, f.period_kind, f.year, f.half,
     coalesce(p.label_pl, f.period_id) as period_label, f.families_assisted, f.families_social_work,
     f.families_social_work_only, f.families_family_benefits, f.families_alimony_fund
   from marts.families f
   join marts.dim_centre c using (centre_id)
   left join marts.dim_period p using (period_id)
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
    ],
  },
);
