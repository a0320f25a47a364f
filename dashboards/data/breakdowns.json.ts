// Breakdown vocabularies (reasons for assistance, programmes) with Polish labels. One row per breakdown.
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  "select vocabulary, breakdown_id, label_pl from marts.dim_breakdown order by vocabulary, breakdown_id",
  { columns: ["vocabulary", "breakdown_id", "label_pl"] },
);
