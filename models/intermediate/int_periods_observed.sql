-- Every period some centre has a current figure for: one axis of the coverage grid (marts.coverage).
-- It reads every centre, so it declares no partition_by and is rebuilt whole; when a report brings a
-- new period, its content changes and marts.coverage is rebuilt whole too.
select distinct period_id from marts.fct_observation
