// The metric catalogue for the data dictionary and chart titles. One row per metric.
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  `select metric_id, label_pl, unit, aggregation, breakdown_vocabulary, description, legal_basis
   from marts.dim_metric order by metric_id`,
  {
    columns: [
      "metric_id",
      "label_pl",
      "unit",
      "aggregation",
      "breakdown_vocabulary",
      "description",
      "legal_basis",
    ],
  },
);
