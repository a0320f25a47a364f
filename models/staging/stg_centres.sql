-- Reference facts of the centres (seed: models/seeds/centres.csv), keyed by the TERYT (TERC) code.
-- The name forms are how the pipeline recognises a centre in a report (sources/lib/centres.ts).
select
    centre_id,
    teryt,
    name_pl,
    name_genitive,
    name_locative,
    centre_name_pl,
    voivodeship,
    powiat,
    gmina_type
from seeds.centres
