// Data tests and flags in Polish, for Jakość danych and wherever a finding is shown. A finding's
// check_name is 'test:<schema>.<model>.<test>' (a failed data test of severity warn, warehouse/data-tests.ts)
// or 'flag:<flag>' (a flag on a figure, models/marts/data_quality.sql). The tests' own descriptions in
// models/*/*.yml are for developers, in English; a person reads these. dashboards/checks.test.ts fails
// when a model gets a test without a Polish label here.
import { FLAG_LABELS } from "./provenance.js";

/** The tests written by hand in models/*\/*.yml, by name. */
export const TEST_LABELS_PL: Record<string, string> = {
  teryt_is_seven_digits: "kod TERYT ma siedem cyfr",
  one_current_version:
    "dla każdego ośrodka, rodzaju sprawozdania i okresu obowiązuje dokładnie jedna wersja dokumentu",
  unit_matches_catalogue: "każda liczba ma jednostkę swojego wskaźnika ze słownika",
  value_or_missing_flag: "liczba bez wartości jest oznaczona jako brak albo zapis niejednoznaczny",
  breakdown_in_vocabulary: "każdy podział należy do słownika podziałów swojego wskaźnika",
  superseded_figures_name_their_successor: "liczba z zastąpionej wersji wskazuje dokument, który ją zastąpił",
  spans_and_undated_have_no_year: "liczba za kilka lat lub bez daty nie jest przypisana do roku ani półrocza",
  h1_not_above_year_for_distinct_counts:
    "liczba różnych rodzin lub osób w I półroczu nie może być większa niż w całym roku",
  one_value_per_figure: "ta sama liczba (ośrodek, okres, wskaźnik, podział, data) ma jedną wartość",
  years_and_half_years_only:
    "zestawienie lat i półroczy nie obejmuje okresów wieloletnich ani liczb bez daty",
  reason_within_total: "rodzin z danym powodem pomocy nie jest więcej niż wszystkich rodzin objętych pomocą",
  current_documents_have_figures: "z każdego obowiązującego dokumentu odczytano co najmniej jedną liczbę",
  kind_unknown_read_by_sections:
    "dokument o nieznanym rodzaju odczytano według rozdziałów; jego liczby są opublikowane, a rodzaj warto sprawdzić",
  period_dates_ordered: "okres zaczyna się przed swoim końcem",
  social_work_only_within_social_work:
    "rodzin objętych wyłącznie pracą socjalną nie jest więcej niż objętych pracą socjalną",
  derived_not_negative: "wyliczone II półrocze (rok minus I półrocze) nie jest ujemne",
  halves_sum_to_year: "dla przepływów I + II półrocze = rok, gdy wszystkie trzy liczby są z dokumentów",
  received_has_document: "otrzymane sprawozdanie wskazuje swój dokument",
  late_only_after_deadline: "sprawozdanie jest spóźnione dopiero po terminie",
  ratio_only_from_both_sides:
    "wskaźnik kadrowy jest liczony tylko wtedy, gdy znane są licznik i dodatni mianownik",
  sides_lead_to_their_figures:
    "licznik i mianownik wskaźnika kadrowego prowadzą do liczb, z których je wzięto",
  one_norm_in_force_per_measure_and_day:
    "dla każdej miary w danym dniu obowiązuje dokładnie jedna norma ustawowa",
  official_figure_preferred:
    "tam, gdzie jest liczba mieszkańców z GUS, używamy jej, a nie liczby ze sprawozdania",
  report_population_leads_to_its_figure:
    "liczba mieszkańców ze sprawozdania prowadzi do liczby w dokumencie, z której ją wzięto",
  at_least_two_centres_per_definition:
    "w warstwie porównywalnej każdą definicję wskaźnika podają co najmniej dwa ośrodki",
  period_count_within_definition_count:
    "w żadnym okresie definicję wskaźnika nie podaje więcej ośrodków niż we wszystkich okresach razem",
  rows_are_the_comparable_definitions_figures:
    "warstwa porównywalna ma dokładnie te liczby ośrodka, których definicję podają co najmniej dwa ośrodki",
  derived_rows_say_how: "każda wyliczona wartość mówi, jak ją wyliczono (wzór i liczby źródłowe)",
  harmonised_total_is_sum_of_parts:
    "suma części (np. asystenci MOPS i WMA) równa się sumie liczb, z których powstała",
  second_half_is_year_minus_first: "wyliczone II półrocze równa się liczbie za rok minus I półrocze",
  comparable_rate_is_value_per_population:
    "wskaźnik na 10 tys. mieszkańców w warstwie porównywalnej to wartość / liczba mieszkańców × 10 000",
  derived_h2_is_year_minus_h1:
    "wyliczone II półrocze Niebieskiej Karty to rok minus I półrocze, ze wzorem i obiema liczbami",
  every_derived_h2_cites_its_figures: "każde wyliczone II półrocze wskazuje obie liczby, z których powstało",
  rate_is_value_per_population: "wskaźnik na 10 tys. mieszkańców to wartość / liczba mieszkańców × 10 000",
  rate_names_population_and_formula:
    "każdy wskaźnik na 10 tys. mieszkańców podaje wzór i źródło liczby mieszkańców",
  no_population_says_so: "bez liczby mieszkańców wskaźnika nie ma, a uwaga mówi „brak liczby mieszkańców”",
  population_of_the_matching_date:
    "liczba mieszkańców jest z tej samej daty co liczba (31 XII roku, 30 VI półrocza)",
  ratio_is_numerator_per_denominator: "wskaźnik kadr to licznik podzielony przez mianownik",
  verdict_follows_ratio_and_norm:
    "ocena („w normie”, „powyżej normy”) wynika ze wskaźnika i normy obowiązującej w tym roku",
  no_verdict_from_whole_year_counts_or_partial_staff:
    "liczby z całego roku i niepełna kadra nie dają oceny wobec normy („nieporównywalne”)",
  verdict_cites_the_basis_in_force: "każda ocena cytuje podstawę prawną obowiązującą w tym roku",
  year_end_caseload_is_year_minus_ended:
    "szacunek na koniec roku to rodziny w roku minus zakończone współprace",
  year_end_rows_name_both_figures: "szacunek na koniec roku wskazuje obie liczby, z których powstał",
};

/** Columns named in generated tests, in words (anything else is "pole <name>"). */
const COLUMN_WORDS: Record<string, string> = {
  value: "wartość liczby",
  centre_id: "ośrodek",
  period_id: "okres",
  period_kind: "rodzaj okresu",
  metric_id: "wskaźnik",
  document_id: "dokument",
  breakdown: "podział",
  breakdown_id: "podział",
  unit: "jednostka",
  line: "numer wiersza",
  quote: "cytat",
  title: "tytuł dokumentu",
  label_pl: "polska nazwa",
  name_pl: "nazwa",
  teryt: "kod TERYT",
  measure: "miara kadrowa",
  norm: "norma",
  note_pl: "uwaga",
  observation_count: "liczba odczytanych liczb",
  observation_id: "liczba źródłowa",
};
const words = (column: string) => COLUMN_WORDS[column] ?? `pole „${column.replaceAll("_", " ")}”`;

/** A test's Polish label from its name: hand-written ones from TEST_LABELS_PL, generated ones by pattern. */
export function testLabelPl(testName: string): string | undefined {
  const own = TEST_LABELS_PL[testName];
  if (own) return own;
  if (testName === "unique_grain") return "żaden wiersz się nie powtarza";
  let m = /^unique_(.+)$/.exec(testName);
  if (m) return `${words(m[1] as string)} nie powtarza się`;
  m = /^not_null_(.+)$/.exec(testName);
  if (m) return `${words(m[1] as string)} jest zawsze podana`;
  m = /^accepted_values_(.+)$/.exec(testName);
  if (m) return `${words(m[1] as string)} ma jedną z dozwolonych wartości`;
  m = /^relationships_(.+)$/.exec(testName);
  if (m) return `${words(m[1] as string)} istnieje w słowniku, do którego odsyła`;
  return undefined;
}

/** What a finding's check_name says, in Polish: the test's label or the flag's phrase, never a bare code. */
export function checkLabelPl(checkName: string | null | undefined): string {
  if (!checkName) return "";
  const flag = /^flag:(.+)$/.exec(checkName);
  if (flag) return `oznaczenie liczby: ${FLAG_LABELS[flag[1] as string] ?? "oznaczenie spoza słownika"}`;
  const test = /^test:(?:[a-z_]+\.)?(?:[a-z_0-9]+)\.([a-z_0-9]+)$/.exec(checkName);
  if (test) return `test danych: ${testLabelPl(test[1] as string) ?? "test bez polskiego opisu"}`;
  return "sprawdzenie bez polskiego opisu";
}

/**
 * A finding's message with the test named in Polish: the build writes `Test „<English description>”
 * nie przeszedł: <centre>` for tests that give no message of their own.
 */
export function findingMessagePl(message: string, checkName: string | null | undefined): string {
  const m = /^Test „[^”]*” nie przeszedł(.*)$/s.exec(message);
  if (!m) return message;
  const test = /\.([a-z_0-9]+)$/.exec(checkName ?? "");
  const label = test ? testLabelPl(test[1] as string) : undefined;
  return `Test „${label ?? "bez polskiego opisu"}” nie przeszedł${m[1]}`;
}
