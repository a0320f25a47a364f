import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { csvParse } from "d3";
import { describe, expect, it } from "vitest";
import { centreById } from "../lib/centres.ts";
import { SourceText } from "../lib/document.ts";
import type { ExtractedObservation } from "../lib/observation.ts";
import { expectProvenance as expectSharedProvenance, find, rows } from "../lib/testing.ts";
import { extractDocument, recogniseDocument } from "../registry.ts";
import { readTables, sprawozdanieGpwr, unreadNumbers } from "./sprawozdanie-gpwr.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const read = (p: string) => readFileSync(here(p), "utf8");
const REAL = "documents/jaworzno_mops_sprawozdanie-gpwr_2023.txt";
const VARIANT_A = "fixtures/jaworzno_sprawozdanie-gpwr_2024_wariant-a.txt";
const VARIANT_B = "fixtures/jaworzno_sprawozdanie-gpwr_2025_wariant-b.txt";

/** Every observation, validated against the contract by the registry (it throws on an invalid figure). */
const extract = (p: string) => extractDocument(read(p), p.split("/").at(-1) ?? p);

/** The lib's provenance checks, and this centre's own: its id. */
function expectProvenance(text: string, obs: ExtractedObservation[]) {
  expectSharedProvenance(text, obs);
  for (const o of obs) {
    const where = `${o.metric_id}/${o.breakdown} at line ${o.line}`;
    expect(o.label.length, where).toBeGreaterThan(0);
    expect(o.centre_id).toBe("jaworzno");
  }
}

describe("jaworzno/sprawozdanie-gpwr: the 2023 report", () => {
  const text = read(REAL);
  const { extractor, recognition, observations: obs } = extract(REAL);

  it("is recognised from its content, whatever the file is called", () => {
    expect(extractor.id).toBe("jaworzno/sprawozdanie-gpwr");
    expect(recogniseDocument(text, "bez-nazwy.txt").extractor.id).toBe("jaworzno/sprawozdanie-gpwr");
    expect(recognition).toEqual({
      centre_id: "jaworzno",
      kind: "sprawozdanie-gpwr",
      title:
        "SPRAWOZDANIE Z REALIZACJI GMINNEGO PROGRAMU WSPIERANIA RODZINY W JAWORZNIE NA LATA 2022 – 2024 ZA ROK 2023",
      periods: ["2023"],
      // "Jaworzno, luty 2024 r.": a month, not a date.
      issued_on: null,
    });
  });

  it("claims no other document of the project", () => {
    const root = here("../");
    for (const centre of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      let files: string[] = [];
      try {
        files = readdirSync(`${root}${centre.name}/documents`).filter((f) => f.endsWith(".txt"));
      } catch {
        continue;
      }
      for (const f of files) {
        const doc = new SourceText(readFileSync(`${root}${centre.name}/documents/${f}`, "utf8"));
        expect(sprawozdanieGpwr.recognise(doc, centreById("jaworzno")) !== null, f).toBe(
          centre.name === "jaworzno",
        );
      }
    }
  });

  it("gives the core figure and no number of family assistants (missing is not zero)", () => {
    const core = csvParse(readFileSync(here("../../tests/fixtures/core-figures.csv"), "utf8")).filter(
      (r) => r.centre_id === "jaworzno",
    );
    expect(core.length).toBeGreaterThan(0);
    for (const c of core) {
      const hit = obs.filter(
        (o) =>
          o.period_id === c.period_id &&
          o.metric_id === c.metric_id &&
          o.breakdown === (c.breakdown || null) &&
          o.value === Number(c.value),
      );
      expect(hit, `${c.metric_id} ${c.value}`).toHaveLength(1);
      expect(hit[0]?.label).toBe(c.source_label);
    }
    expect(obs.filter((o) => o.metric_id === "family_assistants")).toEqual([]);
    expect(find(obs, "families_with_family_assistant")[0]?.flags).toContain("whole_year_count");
  });

  it("reads every figure of the tables and the prose, each with its line", () => {
    expect(rows(obs)).toEqual([
      [45, "children_in_families_in_activation", "social_work", 21, ""],
      [45, "families_with_children_in_activation", "social_work", 10, ""],
      [47, "children_in_families_in_activation", "socially_useful_work", 11, ""],
      [47, "families_with_children_in_activation", "socially_useful_work", 6, ""],
      [54, "children_in_families_in_activation", "activation_programme", 9, ""],
      [54, "families_with_children_in_activation", "activation_programme", 5, ""],
      [72, "families_by_diagnostic_tool", "psychological_consultation", 23, ""],
      [74, "families_by_diagnostic_tool", "activation_support_team", 14, "contradiction"],
      [76, "families_by_diagnostic_tool", "recognition_card", 491, ""],
      [78, "families_by_diagnostic_tool", "intensive_social_work", 173, ""],
      [80, "families_by_diagnostic_tool", "community_interview_child_benefit", 14, ""],
      [111, "crisis_interventions", null, 45, ""],
      [113, "crisis_interventions", "child_rights_violation", 7, ""],
      [125, "families_with_family_assistant", null, 106, "whole_year_count"],
      [127, "families_with_specialist_support", "social_worker", 529, ""],
      [129, "families_with_specialist_support", "psychologist", 42, ""],
      [135, "home_visits", "family_assistant", 1189, ""],
      [137, "opinions_to_external_institutions", "family_assistant", 25, ""],
      [139, "home_visits", "social_worker", 3418, ""],
      [141, "opinions_to_external_institutions", "social_worker", 795, ""],
      [150, "families_by_diagnostic_tool", "activation_support_team", 12, "contradiction"],
      [170, "families_with_family_assistant_by_situation", "at_risk_of_placement", 24, ""],
      [172, "families_with_family_assistant_by_situation", "children_in_foster_care", 5, ""],
      [174, "families_with_family_assistant_by_situation", "monitoring", 12, ""],
      [189, "family_assistant_project_participants", "adults", 13, ""],
      [189, "family_assistant_project_participants", "children", 22, ""],
      [236, "respite_care_planned_participants", "children", 2, ""],
      [236, "respite_care_planned_participants", null, 30, ""],
      [237, "respite_care_participants", "children", 2, ""],
      [237, "respite_care_participants", null, 46, ""],
      [238, "respite_care_participants", "residential_stay", 6, ""],
      [238, "respite_care_residential_stay_days", null, 7, ""],
      [240, "foster_care_project_participants", "female", 193, ""],
      [240, "foster_care_project_participants", null, 317, ""],
      [241, "foster_care_project_participants", "male", 124, ""],
      [307, "large_family_card_new_families", null, 590, ""],
      [308, "large_family_card_new_families", "parents_only", 502, ""],
      [313, "large_family_card_applications", null, 590, ""],
      [315, "large_family_card_applications", "parents_only", 502, ""],
      [317, "large_family_card_recipients", null, 1175, ""],
      [319, "large_family_card_recipients", "parents", 915, ""],
      [321, "large_family_card_recipients", "children", 260, ""],
      [323, "large_family_cards_issued", null, 1326, ""],
    ]);
    expect(obs.every((o) => o.period_id === "2023" && o.as_of_date === null)).toBe(true);
  });

  it("quotes each figure from its own line: the trimmed table row, or the sentence in prose", () => {
    expectProvenance(text, obs);
    expect(find(obs, "home_visits", "family_assistant")[0]?.quote).toBe(
      "wizyty asystentów w środowisku rodzinnym 1 189",
    );
    // A wrapped label whose values stand on their own line.
    const programmes = find(obs, "families_with_children_in_activation", "activation_programme")[0];
    expect(programmes?.quote).toBe("5 9");
    expect(programmes?.label).toBe(
      'realizacja programów aktywizacji zawodowej i społecznej „PISiZ" i „Uwierz w siebie”',
    );
    // Stated in table 3 and again in the prose: one figure (a sum must not count it twice), whose note
    // names the prose sentence as its other place.
    const psychologist = find(obs, "families_with_specialist_support", "psychologist");
    expect(psychologist.map((o) => [o.line, o.value, o.quote])).toEqual([
      [129, 42, "Wsparcie psychologa 42"],
    ]);
    expect(psychologist[0]?.note).toContain(
      "wiersz 155 („W 2023 r. z tej formy wsparcia skorzystały 42 rodziny z dziećmi.”)",
    );
  });

  it("keeps both figures for Zespoły Aktywizacji i Wsparcia and flags each, naming the other", () => {
    const zaiw = find(obs, "families_by_diagnostic_tool", "activation_support_team");
    expect(zaiw.map((o) => [o.line, o.value])).toEqual([
      [74, 14],
      [150, 12],
    ]);
    for (const o of zaiw) expect(o.flags).toContain("contradiction");
    expect(zaiw[0]?.note).toContain("12 (wiersz 150");
    expect(zaiw[1]?.note).toContain("14 (wiersz 74");
    expect(obs.filter((o) => o.flags.includes("contradiction"))).toHaveLength(2);
  });

  it("takes no year, date, resolution number, list number or '500+' for a figure", () => {
    const skipped = unreadNumbers(new SourceText(text)).map((u) => `${u.line}:${u.text}`);
    expect(skipped).toEqual([
      // "Adresatami Programu są: 1. … 2. …" and "kierunki działań: 1. … 6." are list numbers.
      "14:1",
      "15:2",
      "18:1",
      "19:2",
      "20:3",
      "21:4",
      "22:5",
      "23:6",
      // "Kierunek 1:" … "Kierunek 6:", "w ramach kierunku 3", "w poniższych tabelach nr: 2, 3, 4, 5".
      "25:1",
      "33:2",
      "55:3",
      "57:3",
      "64:2",
      "64:3",
      "64:4",
      "64:5",
      // "„Opieka Wytchnieniowa” edycja 2023": the edition's year.
      "214:2023",
      // "Program był realizowany w dwóch formach": how the programme is built, not a count of anything done.
      "230:dwóch",
      "263:4",
      "269:5",
      "274:6",
      // "(…, które w przeszłości miały na utrzymaniu co najmniej 3 dzieci)": the definition of a large family.
      "309:3",
    ]);
    const values = new Set(obs.map((o) => o.value));
    for (const notAFigure of [2019, 2021, 2022, 2023, 2024, 2030, 466, 131, 500]) {
      expect(values.has(notAFigure), String(notAFigure)).toBe(false);
    }
  });

  it("reads the tables by their column headers", () => {
    const tables = readTables(new SourceText(text));
    expect(tables.map((t) => [t.rowHeader, t.columns, t.rows.length])).toEqual([
      [
        "dzialania aktywizacji zawodowej i spolecznej",
        ["liczba rodzin z dziecmi", "liczba dzieci w rodzinach"],
        3,
      ],
      ["narzedzia diagnostyczne", ["liczba rodzin z dziecmi"], 5],
      ["rodzaj interwencji", ["ilosc interwencji"], 2],
      ["rodziny objete pomoca specjalistow", ["liczba rodzin"], 3],
      ["dzialania na rzecz rodzin", ["liczba dzialan"], 4],
      ["obszary asystentury rodziny", ["liczba rodzin"], 3],
      ["", [], 6],
    ]);
  });
});

describe("jaworzno/sprawozdanie-gpwr: next years' reports in the same layout", () => {
  it("variant A (2024): new period and values, a renamed label, extra rows, number words", () => {
    const text = read(VARIANT_A);
    const { recognition, observations: obs, failures } = extract(VARIANT_A);
    expect(recognition.periods).toEqual(["2024"]);
    expect(recognition.issued_on).toBe("2025-02-14");
    expect(obs.every((o) => o.period_id === "2024")).toBe(true);
    expectProvenance(text, obs);

    // "Wsparcie asystenta rodziny" is the renamed "Wsparcie asystenta".
    expect(find(obs, "families_with_family_assistant").map((o) => o.value)).toEqual([98]);
    expect(obs.filter((o) => o.metric_id === "family_assistants")).toEqual([]);
    // Extra rows: a specialist and a kind of visit the vocabulary knows, an activation measure it does not.
    expect(find(obs, "families_with_specialist_support", "pedagogue").map((o) => o.value)).toEqual([17]);
    expect(find(obs, "home_visits", "psychologist").map((o) => o.value)).toEqual([64]);
    // The measure the vocabulary does not know ("Klub Integracji Społecznej 3 5") is skipped with a warning,
    // like an unknown row of any reader: no breakdown is made up from its label, its numbers are not read.
    expect(obs.filter((o) => o.line === 56)).toEqual([]);
    expect(failures.map((f) => [f.reader, f.skipped])).toEqual([["jaworzno/programme-report", true]]);
    expect(failures[0]?.reason).toMatch(/„Klub Integracji Społecznej” \(wiersz 56\)/);
    // Thousands in a one-column table, "800+" in a label.
    expect(find(obs, "families_by_diagnostic_tool", "recognition_card").map((o) => o.value)).toEqual([1203]);
    expect(find(obs, "families_by_diagnostic_tool", "community_interview_child_benefit")[0]?.value).toBe(9);
    expect(obs.some((o) => o.value === 800)).toBe(false);
    expect(find(obs, "large_family_card_recipients", "parents").map((o) => o.value)).toEqual([1101]);
    // "dziewięcioro dzieci" is a number word.
    const children = find(obs, "family_assistant_project_participants", "children")[0];
    expect([children?.value, children?.flags]).toEqual([9, ["number_word"]]);
    // Table and prose agree this year: no contradiction, and one figure whose note names the other place.
    const teams = find(obs, "families_by_diagnostic_tool", "activation_support_team");
    expect(teams.map((o) => o.value)).toEqual([11]);
    expect(teams[0]?.note).toMatch(/także w: wiersz \d+/);
    expect(obs.some((o) => o.flags.includes("contradiction"))).toBe(false);
    expect(find(obs, "respite_care_residential_stay_days")[0]?.value).toBe(14);
  });

  it("variant B (2025): a contradiction in words, an ambiguous row, another programme, a lost last value", () => {
    const text = read(VARIANT_B);
    const { recognition, observations: obs } = extract(VARIANT_B);
    expect(recognition.periods).toEqual(["2025"]);
    expect(recognition.title).toContain("NA LATA 2025 – 2027 ZA ROK 2025");
    expect(recognition.issued_on).toBeNull();
    expect(obs.every((o) => o.period_id === "2025")).toBe(true);
    expectProvenance(text, obs);

    expect(find(obs, "families_with_family_assistant").map((o) => o.value)).toEqual([112]);
    const zaiw = find(obs, "families_by_diagnostic_tool", "activation_support_team");
    expect(zaiw.map((o) => [o.value, o.flags.includes("contradiction")])).toEqual([
      [10, true],
      [9, true],
    ]);
    expect(zaiw[1]?.flags).toContain("number_word");
    expect(zaiw[0]?.note).toContain("9 (wiersz");
    // "2 310 405" in two columns fits two splits: not guessed.
    const useful = obs.filter((o) => o.breakdown === "socially_useful_work");
    expect(useful.map((o) => [o.value, o.flags])).toEqual([
      [null, ["ambiguous"]],
      [null, ["ambiguous"]],
    ]);
    // An extra row in the assistants' table.
    expect(find(obs, "families_with_family_assistant_by_situation", "court_ordered")[0]?.value).toBe(11);
    // The other programme's figures are not taken for respite care.
    expect(find(obs, "respite_care_planned_participants").map((o) => o.value)).toEqual([40]);
    expect(find(obs, "respite_care_participants").map((o) => o.value)).toEqual([52]);
    expect(
      obs.filter((o) => o.metric_id === "programme_participants").map((o) => [o.breakdown, o.value]),
    ).toEqual([["asystent_osobisty_osoby_z_niepelnosprawnoscia", 23]]);
    // The document ends before the number of cards issued: missing, never zero.
    const cards = find(obs, "large_family_cards_issued");
    expect(cards.map((o) => [o.value, o.flags])).toEqual([[null, ["missing"]]]);
  });
});

describe("jaworzno/sprawozdanie-gpwr: a row that cannot be read takes nothing from its neighbours", () => {
  const text = read(REAL);
  const { observations: real } = extract(REAL);
  const changed = (from: string, to: string) => {
    expect(text).toContain(from);
    return extractDocument(text.replace(from, to), "raport.txt").observations;
  };
  const tableOnly = (obs: ExtractedObservation[], metric: string, breakdown: string | null = null) =>
    find(obs, metric, breakdown).filter((o) => !/^W \d{4} r\./.test(o.quote));
  const same = (obs: ExtractedObservation[], metric: string, breakdown: string | null = null) =>
    expect(find(obs, metric, breakdown).map((o) => o.value)).toEqual(
      find(real, metric, breakdown).map((o) => o.value),
    );

  it("leaves a row without its number missing; the next row keeps its own number", () => {
    const obs = changed("Wsparcie pracownika socjalnego 529", "Wsparcie pracownika socjalnego");
    const lost = find(obs, "families_with_specialist_support", "social_worker");
    expect(lost.map((o) => [o.value, o.flags, o.quote])).toEqual([
      [null, ["missing"], "Wsparcie pracownika socjalnego"],
    ]);
    expect(tableOnly(obs, "families_with_specialist_support", "psychologist").map((o) => o.value)).toEqual([
      42,
    ]);
    same(obs, "families_with_family_assistant");
  });

  it("leaves the first row of a table missing when it lost its number", () => {
    const obs = changed("Wsparcie asystenta 106", "Wsparcie asystenta");
    expect(find(obs, "families_with_family_assistant").map((o) => [o.value, o.flags])).toEqual([
      [null, ["whole_year_count", "missing"]],
    ]);
    same(obs, "families_with_specialist_support", "social_worker");
  });

  it("leaves a lower-case row without its number missing when the next row names another row", () => {
    const obs = changed("liczba osób, którym wydano karty 1 175", "liczba osób, którym wydano karty");
    expect(find(obs, "large_family_card_recipients").map((o) => [o.value, o.flags])).toEqual([
      [null, ["missing"]],
    ]);
    same(obs, "large_family_card_recipients", "parents");
    const visits = changed(
      "wizyty asystentów w środowisku rodzinnym 1 189",
      "wizyty asystentów w środowisku rodzinnym",
    );
    expect(find(visits, "home_visits", "family_assistant").map((o) => o.value)).toEqual([null]);
    same(visits, "opinions_to_external_institutions", "family_assistant");
  });

  it("still joins a label that only wraps, with the values on the line after it", () => {
    expect(
      find(real, "families_with_children_in_activation", "activation_programme").map((o) => o.value),
    ).toEqual([5]);
  });

  it("reads no digit of a value with a letter in it (1O6), and the next row keeps its own", () => {
    const obs = changed("Wsparcie asystenta 106", "Wsparcie asystenta 1O6");
    const lost = find(obs, "families_with_family_assistant");
    expect(lost.map((o) => [o.value, o.flags])).toEqual([[null, ["whole_year_count", "missing"]]]);
    expect(lost[0]?.note).toContain("1O6");
    same(obs, "families_with_specialist_support", "social_worker");
  });
});

describe("jaworzno/sprawozdanie-gpwr: the layout's traps in a next-period annex", () => {
  // Tables titled "Tabela 6." and "Tab. 3 –", a column per year and a change column, a dash for a missing
  // value, a footnote mark and its note, a running header and a page number inside a table, a source line
  // under it, and a row table 5 does not know.
  const FILE = "fixtures/layout-traps_2027.txt";
  const text = read(FILE);
  const result = extract(FILE);

  it("reads each figure under its column's year, a dash as missing, and no change column", () => {
    expect(
      rows(result.observations).map(([line, metric, breakdown, value, flags]) => [
        line,
        metric,
        breakdown,
        value,
        flags,
      ]),
    ).toEqual([
      [8, "families_with_family_assistant_by_situation", "at_risk_of_placement", 24, ""],
      [8, "families_with_family_assistant_by_situation", "at_risk_of_placement", 27, ""],
      [9, "families_with_family_assistant_by_situation", "children_in_foster_care", 5, ""],
      [9, "families_with_family_assistant_by_situation", "children_in_foster_care", null, "missing"],
      [10, "families_with_family_assistant_by_situation", "monitoring", 12, ""],
      [10, "families_with_family_assistant_by_situation", "monitoring", 15, ""],
      [15, "crisis_interventions", null, 51, ""],
      [20, "crisis_interventions", "child_rights_violation", 9, ""],
      [25, "home_visits", "family_assistant", 1256, ""],
      [27, "opinions_to_external_institutions", "family_assistant", 31, ""],
    ]);
    const periods = result.observations.filter((o) => o.line === 8).map((o) => o.period_id);
    expect(periods.sort()).toEqual(["2026", "2027"]);
    expect(result.observations.find((o) => o.line === 9 && o.value === null)?.period_id).toBe("2027");
    expect(result.observations.filter((o) => o.line === 10).every((o) => /gwiazdką/.test(o.note ?? ""))).toBe(
      true,
    );
    expectProvenance(text, result.observations);
  });

  it("skips the row no rule knows with a warning naming it, and keeps every other figure", () => {
    expect(result.failures).toEqual([
      expect.objectContaining({
        reader: "jaworzno/programme-report",
        skipped: true,
        reason: expect.stringMatching(/„rozmowy telefoniczne asystentów z rodzinami” \(wiersz 26\)/),
      }),
    ]);
    expect(result.observations.some((o) => o.value === 4410)).toBe(false);
  });

  it("ends a table at a note under it, and continues it past a running header and a page number", () => {
    const tables = readTables(new SourceText(text));
    expect(tables.map((t) => [t.firstLine, t.rows.map((r) => r.line)])).toEqual([
      [6, [8, 9, 10]],
      [13, [15, 20]],
      [23, [25, 26, 27]],
    ]);
  });
});

describe("jaworzno/sprawozdanie-gpwr: found by the fourth round of variants", () => {
  it("goes on with a table past „Tabela 4 (cd.)” and ends it at a numbered section heading", () => {
    const doc = new SourceText(
      [
        "Tabela 4. Rodziny objęte pomocą specjalistów",
        "Rodziny objęte pomocą specjalistów Liczba rodzin",
        "Wsparcie asystenta rodziny 112",
        "Strona 2",
        "Tabela 4 (cd.)",
        "Wsparcie psychologa 47",
        "II. Diagnoza sytuacji rodzin",
        "Tabela 2. Narzędzia diagnostyczne",
        "Narzędzia diagnostyczne Liczba rodzin z dziećmi",
        "karty rozpoznania 512",
      ].join("\n"),
    );
    expect(readTables(doc).map((t) => t.rows.map((r) => [r.line, r.label, r.numbers]))).toEqual([
      [
        [3, "Wsparcie asystenta rodziny", "112"],
        [6, "Wsparcie psychologa", "47"],
      ],
      [[10, "karty rozpoznania", "512"]],
    ]);
  });
});
