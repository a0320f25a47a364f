-- Breakdown vocabularies with Polish labels.
select * from staging.stg_breakdowns
