// Reporting deadlines (marts.partition_status: centre × kind of report × period of the report calendar,
// received / expected / late, as the service's freshness check last saw it). Counts per state, and the
// rows a person acts on: every late or expected report (capped), received ones only while they are few.
// A snapshot without the table (built before it existed) says so: the page shows "brak danych o terminach".
import { runLoader, runQuery, withSnapshot } from "./warehouse.ts";

/** Received reports are listed one by one only up to this many (national scale: counts only). */
const RECEIVED_LISTED = 200;
const LISTED = 1000;

await runLoader(import.meta.url, () =>
  withSnapshot(async (c) => {
    const exists = await runQuery(
      `select count(*) as n from information_schema.tables
       where table_schema = 'marts' and table_name = 'partition_status'`,
      { columns: ["n"] },
      c,
    );
    if (exists.rows[0]?.n === 0) return JSON.stringify({ available: false, counts: null, rows: [] });
    const counts = await runQuery(
      `select count(*) as total, count(*) filter (where state = 'late') as late,
         count(*) filter (where state = 'expected') as expected,
         count(*) filter (where state = 'received') as received, max(checked_at) as checked_at
       from marts.partition_status`,
      { columns: ["total", "late", "expected", "received", "checked_at"] },
      c,
    );
    const total = counts.rows[0] ?? {};
    const status = await runQuery(
      `select s.centre_id, coalesce(c.name_pl, s.centre_id) as centre_name, s.report_kind,
         coalesce((select any_value(d.title order by d.issued_on desc) from marts.dim_document d
                   where d.centre_id = s.centre_id and d.kind = s.report_kind), s.report_kind) as report_title,
         s.period_id, s.period_kind, s.period_label_pl as period_label, s.deadline, s.state, s.is_late, s.days_late,
         s.document_id, r.title as document_title, s.received_at, s.checked_at
       from marts.partition_status s
       left join marts.dim_centre c using (centre_id)
       left join marts.dim_document r using (document_id)
       ${Number(total.received) > RECEIVED_LISTED ? "where s.state <> 'received'" : ""}
       order by case s.state when 'late' then 0 when 'expected' then 1 else 2 end, s.days_late desc nulls last,
         centre_name, s.report_kind, s.period_id
       limit ${LISTED}`,
      {
        columns: [
          "centre_id",
          "centre_name",
          "report_title",
          "period_label",
          "deadline",
          "state",
          "days_late",
        ],
        allowEmpty: true,
      },
      c,
    );
    return JSON.stringify({ available: true, counts: total, rows: status.rows });
  }),
);
