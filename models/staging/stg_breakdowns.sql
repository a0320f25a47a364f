-- Breakdown vocabularies (seed: models/seeds/breakdowns.csv): reasons for assistance, programmes, ...
select
    vocabulary,
    breakdown_id,
    label_pl
from seeds.breakdowns
