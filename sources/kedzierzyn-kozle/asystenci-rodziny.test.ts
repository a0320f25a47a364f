import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { csvParse } from "d3";
import { describe, expect, it } from "vitest";
import { centreById } from "../lib/centres.ts";
import { SourceText } from "../lib/document.ts";
import type { ExtractedObservation } from "../lib/observation.ts";
import { expectProvenance as expectSharedProvenance, find } from "../lib/testing.ts";
import { extractDocument, recogniseDocument } from "../registry.ts";
import { asystenciRodziny, unreadNumbers } from "./asystenci-rodziny.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const read = (p: string) => readFileSync(here(p), "utf8");
const REAL = "documents/kedzierzyn-kozle_mops_asystenci-rodziny_2025.txt";
const VARIANT_A = "fixtures/kedzierzyn-kozle_asystenci-rodziny_2026_wariant-a.txt";
const VARIANT_B = "fixtures/kedzierzyn-kozle_asystenci-rodziny_2027_wariant-b.txt";

/** Every observation, validated against the contract by the registry (it throws on an invalid figure). */
const extract = (p: string) => extractDocument(read(p), p.split("/").at(-1) ?? p);

const rows = (obs: ExtractedObservation[]) =>
  obs
    .map((o) => [o.metric_id, o.breakdown, o.value, [...o.flags].sort().join(",")] as const)
    .sort((a, b) => a[0].localeCompare(b[0]) || String(a[1]).localeCompare(String(b[1])));

/** The personal names the document carries (the mayor, the deputy director): they enter no field. */
const NAMES = ["Sabina", "Nowosielska", "Jolanta", "Gollat"];

/** The lib's provenance checks, and this centre's own: its id, no personal name. */
function expectProvenance(text: string, obs: ExtractedObservation[]) {
  expectSharedProvenance(text, obs);
  for (const o of obs) {
    const where = `${o.metric_id}/${o.breakdown} at line ${o.line}`;
    expect(o.centre_id).toBe("kedzierzyn-kozle");
    for (const name of NAMES) expect(`${o.quote} ${o.label} ${o.note ?? ""}`, where).not.toContain(name);
  }
}

describe("kedzierzyn-kozle/asystenci-rodziny: the 2025 information", () => {
  const text = read(REAL);
  const { extractor, recognition, observations: obs } = extract(REAL);

  it("is recognised from its content, whatever the file is called", () => {
    expect(extractor.id).toBe("kedzierzyn-kozle/asystenci-rodziny");
    expect(recogniseDocument(text, "skan.txt").extractor.id).toBe("kedzierzyn-kozle/asystenci-rodziny");
    expect(recognition).toEqual({
      centre_id: "kedzierzyn-kozle",
      kind: "asystenci-rodziny",
      title:
        "INFORMACJA O DZIAŁANIACH ASYSTENTÓW RODZINY MIEJSKIEGO OŚRODKA POMOCY SPOŁECZNEJ W KĘDZIERZYNIE-KOŹLU W ROKU 2025",
      periods: ["2025"],
      issued_on: "2026-03-23",
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
        expect(asystenciRodziny.recognise(doc, centreById("kedzierzyn-kozle")) !== null, f).toBe(
          centre.name === "kedzierzyn-kozle",
        );
      }
    }
  });

  it("gives the core figures, the number of assistants read from a word", () => {
    const core = csvParse(readFileSync(here("../../tests/fixtures/core-figures.csv"), "utf8")).filter(
      (r) => r.centre_id === "kedzierzyn-kozle",
    );
    expect(core).toHaveLength(3);
    for (const c of core) {
      const hit = obs.filter(
        (o) =>
          o.period_id === c.period_id &&
          o.metric_id === c.metric_id &&
          o.breakdown === (c.breakdown || null) &&
          o.value === Number(c.value),
      );
      expect(hit, `${c.metric_id} ${c.value}`).toHaveLength(1);
      expect(`${hit[0]?.label} ${hit[0]?.quote}`).toContain(c.source_label);
    }
    const assistants = find(obs, "family_assistants")[0];
    expect(assistants?.flags).toEqual(["number_word"]);
    expect(assistants?.quote).toBe(
      "W roku 2025 tut. Ośrodek zatrudniał czterech asystentów rodziny na podstawie umowy o pracę w systemie zadaniowego czasu pracy.",
    );
    expect(find(obs, "families_with_family_assistant")[0]?.flags).toEqual(["whole_year_count"]);
  });

  it("reads every figure of the prose, words in any case included", () => {
    expect(rows(obs)).toEqual([
      ["children_in_families_with_family_assistant", null, 135, ""],
      ["children_returned_from_foster_care", null, 2, "number_word"],
      ["families_assistance_ended", "goals_achieved", 7, ""],
      ["families_assistance_ended", null, 21, ""],
      ["families_with_family_assistant", null, 74, "whole_year_count"],
      ["families_with_family_assistant_by_situation", "children_in_foster_care", 10, ""],
      ["families_with_family_assistant_by_situation", "court_ordered", 14, ""],
      ["families_with_za_zyciem_coordination", null, 1, "number_word"],
      ["family_assistant_advice_sessions", null, 7258, ""],
      ["family_assistant_consultations", null, 3140, ""],
      ["family_assistant_project_participants", "children", 50, ""],
      ["family_assistants", null, 4, "number_word"],
    ]);
    expect(obs.every((o) => o.period_id === "2025" && o.as_of_date === null)).toBe(true);
    expect(new Set(obs.map((o) => o.line))).toEqual(new Set([50, 56, 58, 60]));
    expect(obs.some((o) => o.flags.includes("contradiction"))).toBe(false);
  });

  it("quotes the sentence on the figure's line and keeps names out of every field", () => {
    expectProvenance(text, obs);
    expect(find(obs, "families_with_za_zyciem_coordination")[0]?.quote).toBe(
      "W 2025 r. w ramach ww. ustawy kontynuowana była współpraca z jedną rodziną, podjęta w 2024 roku.",
    );
  });

  it("takes no signature, date, legal reference, statutory limit or list number for a figure", () => {
    const skipped = unreadNumbers(new SourceText(text)).map((u) => `${u.line}:${u.text}`);
    expect(skipped).toEqual([
      "24:1", // "1. Wprowadzenie": a section number
      "32:2", // "2. Rola i zadania asystenta rodziny"
      "38:2", // "trwa średnio 2-3 lata": a typical length of the work, not a count
      "38:jeden", // "jeden asystent rodziny może … prowadzić pracę": the rule, not a count
      "38:15", // "nie może przekraczać 15, zgodnie z zapisem ustawy": the statutory limit
      "48:3", // "3. Działania Miejskiego Ośrodka …"
      "50:trzy", // "co trzy miesiące sprawozdawali się": how often, not how many
      "54:jednego", // "migracji zarobkowej jednego z jej członków"
      "64:4", // "4. Podsumowanie"
    ]);
    const values = new Set(obs.map((o) => o.value));
    // DPŚ.422.26.2026, 23 marca 2026, 24.03.25, Dz. U. 2025 poz. 49, 9 czerwca 2011, Dz. U. 2024 poz. 1829,
    // 4 listopada 2016, art. 8 ust. 2 i 3.
    for (const notAFigure of [422, 26, 2026, 23, 25, 49, 9, 2011, 1829, 2016, 2024, 2025, 8, 3, 2012]) {
      expect(values.has(notAFigure), String(notAFigure)).toBe(false);
    }
  });
});

describe("kedzierzyn-kozle/asystenci-rodziny: next years' information in the same layout", () => {
  it("variant A (2026): new period and values, number words in other cases", () => {
    const text = read(VARIANT_A);
    const { recognition, observations: obs } = extract(VARIANT_A);
    expect(recognition.periods).toEqual(["2026"]);
    expect(recognition.issued_on).toBe("2027-03-19");
    expect(obs.every((o) => o.period_id === "2026")).toBe(true);
    expectProvenance(text, obs);
    expect(rows(obs)).toEqual([
      ["children_in_families_with_family_assistant", null, 152, ""],
      ["children_returned_from_foster_care", null, 3, "number_word"],
      ["families_assistance_ended", "goals_achieved", 9, ""],
      ["families_assistance_ended", null, 19, ""],
      ["families_with_family_assistant", null, 81, "whole_year_count"],
      ["families_with_family_assistant_by_situation", "children_in_foster_care", 12, ""],
      ["families_with_family_assistant_by_situation", "court_ordered", 17, ""],
      ["families_with_za_zyciem_coordination", null, 2, "number_word"],
      ["family_assistant_advice_sessions", null, 8012, ""],
      ["family_assistant_consultations", null, 2987, ""],
      ["family_assistant_project_participants", "children", 64, ""],
      ["family_assistants", null, 5, "number_word"],
    ]);
  });

  it("variant B (2027): a wrapped heading, digits and words swapped, another programme, a grant in PLN", () => {
    const text = read(VARIANT_B);
    const { recognition, observations: obs } = extract(VARIANT_B);
    expect(recognition.periods).toEqual(["2027"]);
    expect(recognition.title).toBe(
      "INFORMACJA O DZIAŁANIACH ASYSTENTÓW RODZINY MIEJSKIEGO OŚRODKA POMOCY SPOŁECZNEJ W KĘDZIERZYNIE-KOŹLU W ROKU 2027",
    );
    expect(recognition.issued_on).toBe("2028-04-02");
    expect(obs.every((o) => o.period_id === "2027")).toBe(true);
    expectProvenance(text, obs);
    expect(rows(obs)).toEqual([
      ["children_in_families_with_family_assistant", null, 171, ""],
      ["children_returned_from_foster_care", null, 1, "number_word"],
      ["families_assistance_ended", "goals_achieved", 11, ""],
      ["families_assistance_ended", null, 23, ""],
      ["families_with_family_assistant", null, 88, "whole_year_count"],
      ["families_with_family_assistant_by_situation", "children_in_foster_care", 9, ""],
      ["families_with_family_assistant_by_situation", "court_ordered", 12, "number_word"],
      ["families_with_za_zyciem_coordination", null, 3, "number_word"],
      ["family_assistant_advice_sessions", null, 10415, ""],
      ["family_assistant_consultations", null, 3602, ""],
      ["family_assistant_programme_grant", null, 256194.94, ""],
      ["family_assistant_project_participants", "children", 58, ""],
      ["family_assistants", null, 6, ""],
      ["programme_meetings", "szkola_dla_rodzicow", 45, ""],
    ]);
    const grant = find(obs, "family_assistant_programme_grant")[0];
    expect([grant?.unit, grant?.quote]).toEqual(["PLN", expect.stringContaining("w kwocie 256 194,94 zł.")]);
  });
});

describe("kedzierzyn-kozle/asystenci-rodziny: a sentence written twice on one line", () => {
  const text = read(REAL);
  const sentence =
    "Asystenci rodziny w 2025 r. objęli wsparciem 74 rodziny, w których wychowuje się 135 dzieci.";

  it("is one figure when it repeats the same numbers", () => {
    expect(text).toContain(sentence);
    const { observations: obs } = extractDocument(text.replace(sentence, `${sentence} ${sentence}`), "x.txt");
    expect(find(obs, "families_with_family_assistant").map((o) => o.value)).toEqual([74]);
    expect(find(obs, "children_in_families_with_family_assistant").map((o) => o.value)).toEqual([135]);
  });

  it("is one figure with no value chosen, flagged, when it states another number (74 and 76)", () => {
    const twice = `${sentence} ${sentence.replace("74", "76")}`;
    const { observations: obs } = extractDocument(text.replace(sentence, twice), "x.txt");
    const families = find(obs, "families_with_family_assistant");
    expect(families.map((o) => [o.value, [...o.flags].sort()])).toEqual([
      [null, ["ambiguous", "contradiction", "whole_year_count"]],
    ]);
    expect(families[0]?.note).toMatch(/74 .*76 /);
    expect(find(obs, "children_in_families_with_family_assistant").map((o) => o.value)).toEqual([135]);
  });
});

describe("kedzierzyn-kozle/asystenci-rodziny: found by the fourth round of variants", () => {
  it("reads a sentence split over two pages by a page footer as one sentence", () => {
    const text = [
      "Informacja MOPS w Kędzierzynie-Koźlu za 2031 rok",
      "Asystenci rodziny w 2031 r. objęli wsparciem 99 rodzin,",
      "Strona 1 z 2",
      "w których wychowuje się 176 dzieci.",
    ].join("\n");
    const obs = extractDocument(text, "dokument.txt").observations;
    expect(find(obs, "families_with_family_assistant").map((o) => [o.line, o.value])).toEqual([[2, 99]]);
    expect(find(obs, "children_in_families_with_family_assistant").map((o) => [o.line, o.value])).toEqual([
      [4, 176],
    ]);
    expectSharedProvenance(text, obs);
  });
});
