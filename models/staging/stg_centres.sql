-- Reference facts of the centres (seed: models/seeds/centres.csv).
select
    centre_id,
    name_pl,
    centre_name_pl,
    teryt,
    voivodeship
from seeds.centres
