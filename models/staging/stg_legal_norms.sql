-- The statutory staffing norms and the legal basis in force on each date. Kept as data (seed
-- models/seeds/legal_norms.csv): a verdict cites the basis in force in its year, and a year before a norm existed has
-- no verdict. Sources: art. 110 ust. 11 of the act on social assistance of 12 March 2004 (Dz.U. 2004
-- nr 64 poz. 593) in its first wording (1 worker per 2,000 residents, at least 3, counted in persons)
-- and as rewritten by the act of 18 March 2011 (Dz.U. 2011 nr 81 poz. 440), applied from 1 January 2015
-- (full-time workers; or no more than 50 families and single persons in social work per worker);
-- art. 15 ust. 4 of the act on family support of 9 June 2011 (Dz.U. 2011 nr 149 poz. 887), in force from
-- 1 January 2012 (at most 20 families at a time), limit lowered to 15 (valid_from in the seed; see
-- docs/notes/2026-12-03b-norms.md for how the dates were checked).
select
    norm_id,
    measure,
    cast(valid_from as date) as valid_from,
    cast(nullif(valid_to, '') as date) as valid_to,
    cast(limit_value as integer) as limit_value,
    staff_basis,
    basis_pl
from seeds.legal_norms
