-- The metric catalogue (seeds: models/seeds/metrics/*.csv).
select
    metric_id,
    label_pl,
    unit,
    aggregation,
    nullif(breakdown_vocabulary, '') as breakdown_vocabulary,
    description,
    nullif(trim(description_pl), '') as description_pl,
    nullif(legal_basis, '') as legal_basis
from seeds.metrics
