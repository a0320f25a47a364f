-- Every flag on a figure, readable by a person. Failed data tests of severity warn are added to
-- this table when the build runs them (check_name 'test:<model>.<test>'; warehouse/data-tests.ts), and a
-- rebuild of a centre's rows here leaves them to the tests. Rebuilt per centre (partition_by: centre_id).
with flagged as (
    select o.*, unnest(o.flags) as flag
    from marts.fct_observation o
    where o.centre_id in (select centre_id from build.touched_centres)
)

select
    centre_id,
    period_id,
    metric_id,
    breakdown,
    document_id,
    line,
    'flag:' || flag as check_name,
    case when flag in ('contradiction', 'ambiguous', 'missing') then 'warn' else 'info' end as severity,
    case flag
        when 'contradiction' then 'Sprzeczność w dokumencie: '
        when 'ambiguous' then 'Niejednoznaczny zapis liczby, wartości nie zgadywano: '
        when 'missing' then 'Brak wartości w dokumencie (to nie jest zero): '
        when 'period_assumed' then 'Okres przyjęty z kontekstu dokumentu: '
        when 'derived' then 'Wartość wyliczona, nie odczytana: '
        when 'number_word' then 'Liczba zapisana słownie: '
        when 'whole_year_count' then 'Liczba w ciągu całego okresu, nie jednocześnie: '
        else flag || ': '
    end || coalesce(note, '„' || quote || '”') as message_pl
from flagged

union all

-- A section reader that threw on a current document: its section's figures are missing, the other
-- readers' figures were taken (sources/registry.ts readSections).
select
    f.centre_id,
    null as period_id,
    null as metric_id,
    null as breakdown,
    f.document_id,
    null as line,
    'reader_failed:' || f.reader_id as check_name,
    'warn' as severity,
    'Dokument „' || d.title || '” (plik ' || d.file_name || '): ' || f.message_pl as message_pl
from raw.reader_failures f
join staging.stg_documents d using (document_id)
where d.is_current and f.centre_id in (select centre_id from build.touched_centres)
