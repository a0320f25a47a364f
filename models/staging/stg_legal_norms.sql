-- The statutory staffing norms and the legal basis in force on each date. Kept here as data (a values
-- list, not code): a verdict cites the basis in force in its year, and a year before a norm existed has
-- no verdict. Sources: art. 110 ust. 11 of the act on social assistance of 12 March 2004 (Dz.U. 2004
-- nr 64 poz. 593) in its first wording (1 worker per 2,000 residents, at least 3, counted in persons)
-- and as rewritten by the act of 18 March 2011 (Dz.U. 2011 nr 81 poz. 440), applied from 1 January 2015
-- (full-time workers; or no more than 50 families and single persons in social work per worker);
-- art. 15 ust. 4 of the act on family support of 9 June 2011 (Dz.U. 2011 nr 149 poz. 887), in force from
-- 1 January 2012 (at most 20 families at a time), limit lowered to 15 (valid_from below; see
-- docs/notes/2026-12-03b-norms.md for how the dates were checked).
select
    norm_id,
    measure,
    cast(valid_from as date) as valid_from,
    cast(valid_to as date) as valid_to,
    limit_value,
    staff_basis,
    basis_pl
from (values
    ('ups_110_11_2004', 'residents_per_social_worker', '2004-05-01', '2014-12-31', 2000, 'persons',
     'art. 110 ust. 11 ustawy z dnia 12 marca 2004 r. o pomocy społecznej (Dz.U. 2004 nr 64 poz. 593), brzmienie pierwotne: 1 pracownik socjalny na 2 000 mieszkańców, nie mniej niż 3 pracowników (liczą się osoby)'),
    ('ups_110_11_2015', 'residents_per_social_worker', '2015-01-01', null, 2000, 'fte',
     'art. 110 ust. 11 ustawy o pomocy społecznej w brzmieniu nadanym ustawą z dnia 18 marca 2011 r. (Dz.U. 2011 nr 81 poz. 440), stosowany od 1 stycznia 2015 r.: 1 pracownik socjalny zatrudniony w pełnym wymiarze czasu pracy na 2 000 mieszkańców lub na nie więcej niż 50 rodzin i osób samotnie gospodarujących objętych pracą socjalną, nie mniej niż 3 pracowników'),
    ('ups_110_11_2015_families', 'families_in_social_work_per_social_worker', '2015-01-01', null, 50, 'fte',
     'art. 110 ust. 11 ustawy o pomocy społecznej w brzmieniu nadanym ustawą z dnia 18 marca 2011 r. (Dz.U. 2011 nr 81 poz. 440), stosowany od 1 stycznia 2015 r.: kryterium alternatywne – 1 pracownik socjalny w pełnym wymiarze czasu pracy na nie więcej niż 50 rodzin i osób samotnie gospodarujących objętych pracą socjalną'),
    ('uwr_15_4_2012', 'families_per_family_assistant', '2012-01-01', '2015-12-31', 20, 'persons',
     'art. 15 ust. 4 ustawy z dnia 9 czerwca 2011 r. o wspieraniu rodziny i systemie pieczy zastępczej (Dz.U. 2011 nr 149 poz. 887), brzmienie pierwotne: asystent rodziny prowadzi pracę jednocześnie z nie więcej niż 20 rodzinami'),
    ('uwr_15_4_2016', 'families_per_family_assistant', '2016-01-01', null, 15, 'persons',
     'art. 15 ust. 4 ustawy o wspieraniu rodziny i systemie pieczy zastępczej w brzmieniu obecnym: asystent rodziny prowadzi pracę jednocześnie z nie więcej niż 15 rodzinami')
) as norms (norm_id, measure, valid_from, valid_to, limit_value, staff_basis, basis_pl)
