-- Reporting deadlines: for each centre × kind of report × period of the report calendar
-- (pipelines/report-calendar.csv), whether the report was received, is still expected or is late,
-- as the service's freshness check last saw it (obs.partitions in Postgres, passed to the build as
-- raw.partitions). A build without the service (npm run refresh) has no partitions: the mart is empty.
select
    p.centre_id,
    p.report_kind,
    p.period_id,
    p.period_kind,
    cast(substr(p.period_id, 1, 4) as integer) as year,
    case
        when p.period_id like '%-H1' then 'I półrocze ' || substr(p.period_id, 1, 4)
        when p.period_id like '%-H2' then 'II półrocze ' || substr(p.period_id, 1, 4)
        else p.period_id
    end as period_label_pl,
    p.deadline,
    p.state,
    p.state = 'late' as is_late,
    case when p.state = 'late' then date_diff('day', p.deadline, cast(coalesce(p.checked_at, current_timestamp) as date)) end
        as days_late,
    p.document_id,
    p.received_at,
    p.checked_at
from raw.partitions p
