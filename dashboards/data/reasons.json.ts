// Reasons for assistance as a share of the families assisted (reasons overlap: shares never sum to 100 %).
// One row per centre, period and reason, with provenance.
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  `select r.centre_id, c.name_pl as centre_name, r.period_id, r.period_kind, r.year,
     coalesce(p.label_pl, r.period_id) as period_label, r.reason, coalesce(r.reason_label_pl, r.reason) as reason_label,
     r.families, r.families_assisted, r.share, r.observation_id, r.document_id, d.title as document_title,
     r.line, r.quote
   from marts.assistance_reasons r
   join marts.dim_centre c using (centre_id)
   left join marts.dim_period p using (period_id)
   left join marts.dim_document d using (document_id)
   order by r.centre_id, r.year, r.period_kind desc, r.period_id, r.families desc nulls last`,
  {
    columns: [
      "centre_id",
      "centre_name",
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
      "document_id",
      "document_title",
      "line",
      "quote",
    ],
  },
);
