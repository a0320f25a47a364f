-- Centres (cities) with their TERYT code and voivodeship.
select * from staging.stg_centres
