-- The metric catalogue: what each metric_id means, its unit and how it behaves over periods.
select * from staging.stg_metrics
