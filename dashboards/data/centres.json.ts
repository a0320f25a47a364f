// Centres (cities): id, Polish names, TERYT code, voivodeship. One row per centre.
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  "select centre_id, name_pl, centre_name_pl, teryt, voivodeship from marts.dim_centre order by centre_id",
  { columns: ["centre_id", "name_pl", "centre_name_pl", "teryt", "voivodeship"] },
);
