// Data-quality findings counted per centre (warnings and information; centre_id null: findings tied to no
// centre), so Jakość danych can offer a picker and open on the centre with most warnings. The findings
// themselves and the centre's coverage are in data/quality/<centre_id>.json, fetched when picked.
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  `select q.centre_id, c.name_pl as centre_name, count(*) filter (where q.severity = 'warn') as warnings,
     count(*) filter (where q.severity <> 'warn') as infos
   from marts.data_quality q
   left join marts.dim_centre c using (centre_id)
   group by all
   order by warnings desc, infos desc, q.centre_id nulls last`,
  { columns: ["centre_name", "warnings", "infos"], allowEmpty: true },
);
