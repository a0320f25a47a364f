// Documents the snapshot was built from, for data freshness ("stan danych") and provenance.
// One row per document; current versions first.
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  `select d.document_id, d.centre_id, c.name_pl as centre_name, d.kind, d.title, d.file_name, d.periods,
     d.issued_on, d.observation_count, d.loaded_at, d.is_current
   from marts.dim_document d join marts.dim_centre c using (centre_id)
   order by d.is_current desc, d.centre_id, d.issued_on desc nulls last`,
  {
    columns: [
      "document_id",
      "centre_id",
      "centre_name",
      "kind",
      "title",
      "file_name",
      "periods",
      "issued_on",
      "observation_count",
      "loaded_at",
      "is_current",
    ],
  },
);
