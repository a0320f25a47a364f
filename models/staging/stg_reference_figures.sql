-- Official reference figures per centre (GUS Bank Danych Lokalnych, through npm run reference), with their
-- provenance. measure: population_31_dec (ludność ogółem, stan 31 XII), population_mid_year (stan 30 VI),
-- assistance_beneficiaries, assistance_households (środowiskowa pomoc społeczna, grupa G553).
-- Empty when no reference data was fetched or imported: rates then say "brak liczby mieszkańców".
select
    r.centre_id,
    r.teryt,
    r.measure,
    r.year,
    r.reference_date,
    r.value,
    r.variable_id,
    r.unit_id,
    r.source_url,
    r.retrieved_at,
    r.origin
from raw.reference_figures r
