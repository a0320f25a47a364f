import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { centreById } from "../lib/centres.ts";
import { SourceText } from "../lib/document.ts";
import { aktywizacjaUchodzcow } from "./aktywizacja-uchodzcow.ts";
import {
  documentPath,
  expectProvenance,
  extract,
  figures,
  fixturePath,
  numbersOnLinesWithoutFigures,
  read,
} from "./test-support.ts";

const REPORT = read(documentPath("katowice_mops_aktywizacja-uchodzcow_2025.txt"));
const { recognition, observations, extractor } = extract(REPORT);
const TITLE =
  "Informacja na temat społecznej aktywizacji uchodźców, w tym współpracy z Powiatowym Urzędem Pracy w Katowicach i instytucjami miejskimi";

describe("Katowice aktywizacja-uchodzcow: refugee activation in 2025", () => {
  it("is recognised from its content; it states no issue date", () => {
    expect(extractor.id).toBe("katowice/aktywizacja-uchodzcow");
    expect(recognition).toEqual({
      centre_id: "katowice",
      kind: "aktywizacja-uchodzcow",
      title: TITLE,
      periods: ["2025"],
      issued_on: null,
    });
  });

  it("reads every figure, with the stock at the end of December 2025 keeping its date", () => {
    expect(figures(observations)).toEqual(
      [
        "2025 social_integration_centre_participants refugees = 30",
        "2025 foster_care_development_participants - = 7",
        "2025 foster_care_development_participants adults = 4",
        "2025 foster_care_development_participants children = 3",
        "2025@2025-12-31 temporary_guardians - = 57",
        "2025@2025-12-31 children_in_temporary_guardianship - = 74",
        "2025 foster_care_candidates_trained from_ukraine = 4",
        "2025 foster_care_candidate_families_trained from_ukraine = 3",
        "2025 day_support_children from_ukraine = 16",
        "2025 day_support_families from_ukraine = 11",
        "2025 integration_programmes - = 18",
        "2025 integration_cash_assistance_amount - = 256194.94",
        "2025 integration_health_insurance_amount - = 331.83",
        "2025 integration_health_insurance_persons - = 1",
        "2025 crisis_intervention_persons from_ukraine = 12",
      ].sort(),
    );
  });

  it("validates every figure through extractDocument and quotes the sentence on the value's line", () => {
    expectProvenance(REPORT, observations);
    const at = (metric: string) => observations.find((o) => o.metric_id === metric);
    expect(at("social_integration_centre_participants")).toMatchObject({
      quote: "łącznie 30 uchodźców.",
      label:
        "W 2025 roku wsparciem oferowanym przez oba Centra Integracji Społecznej objęto łącznie 30 uchodźców.",
      unit: "persons",
      flags: [],
    });
    expect(at("integration_cash_assistance_amount")).toMatchObject({
      value: 256194.94,
      unit: "PLN",
      quote:
        "pomoc pieniężną w łącznej kwocie 256 194,94 zł oraz opłacono składki na ubezpieczenie zdrowotne",
    });
    expect(at("temporary_guardians")).toMatchObject({
      as_of_date: "2025-12-31",
      quote: "z 57 opiekunami ustanowionymi dla 74 małoletnich dzieci z terenu Ukrainy.",
      flags: [],
    });
    // "W bieżącym roku" and sentences without a year take the report's year and say so.
    expect(at("foster_care_candidates_trained")?.flags).toEqual(["period_assumed"]);
    expect(at("foster_care_candidates_trained")?.note).toMatch(/bieżącym roku/);
    expect(at("day_support_children")?.flags).toEqual(["period_assumed"]);
    expect(at("crisis_intervention_persons")?.flags).toEqual([]);
  });

  it("skips only numbers that are not figures: a frequency and the length of a placement", () => {
    // Years ("od 2022 roku", "w 2025 roku") and legal references (art. 91 ust. 1 pkt 1) are not found at all.
    expect(numbersOnLinesWithoutFigures(REPORT, observations)).toEqual([
      {
        line: "6 miesięcy oraz zamieszczany na stronie internetowej MOPS, w zakładce „Aktywizacja zawodowa”.",
        number: "6",
      },
      { line: expect.stringMatching(/^możliwość odbyć 10 godzinne praktyki/), number: "10" },
    ]);
  });
});

describe("Katowice aktywizacja-uchodzcow: next years' reports of the same layout", () => {
  it("reads the 2026 report: a subgroup after the total, a number word, an issue date", () => {
    const text = read(fixturePath("aktywizacja-uchodzcow_2026.txt"));
    const r = extract(text);
    expect(r.recognition).toEqual({
      centre_id: "katowice",
      kind: "aktywizacja-uchodzcow",
      title: TITLE,
      periods: ["2026"],
      issued_on: "2027-01-20",
    });
    expectProvenance(text, r.observations);
    expect(figures(r.observations)).toEqual(
      [
        "2026 social_integration_centre_participants refugees = 41",
        "2026 social_integration_centre_participants from_ukraine = 17",
        "2026 foster_care_development_participants - = 9",
        "2026 foster_care_development_participants adults = 5",
        "2026 foster_care_development_participants children = 4",
        "2026@2026-12-31 temporary_guardians - = 49",
        "2026@2026-12-31 children_in_temporary_guardianship - = 63",
        "2026 foster_care_candidates_trained from_ukraine = 6",
        "2026 foster_care_candidate_families_trained from_ukraine = 4",
        "2026 day_support_children from_ukraine = 20",
        "2026 day_support_families from_ukraine = 14",
        "2026 integration_programmes - = 21",
        "2026 integration_cash_assistance_amount - = 312480.5",
        "2026 integration_health_insurance_amount - = 1204.1",
        "2026 integration_health_insurance_persons - = 2",
        "2026 crisis_intervention_persons from_ukraine = 15",
      ].sort(),
    );
    const word = r.observations.find((o) => o.metric_id === "integration_health_insurance_persons");
    expect(word?.flags).toEqual(["number_word"]);
    expect(word?.quote).toMatch(/dwóch osób/);
  });

  it("reads the 2027 report: years written in the sentences, a stock at the end of November", () => {
    const text = read(fixturePath("aktywizacja-uchodzcow_2027.txt"));
    const r = extract(text);
    expect(r.recognition).toMatchObject({ periods: ["2027"], issued_on: "2028-02-12" });
    expectProvenance(text, r.observations);
    expect(figures(r.observations)).toEqual(
      [
        "2027 social_integration_centre_participants refugees = 52",
        "2027 foster_care_development_participants - = 11",
        "2027 foster_care_development_participants adults = 6",
        "2027 foster_care_development_participants children = 5",
        "2027@2027-11-30 temporary_guardians - = 38",
        "2027@2027-11-30 children_in_temporary_guardianship - = 45",
        "2027 foster_care_candidates_trained from_ukraine = 5",
        "2027 foster_care_candidate_families_trained from_ukraine = 3",
        "2027 day_support_children from_ukraine = 22",
        "2027 day_support_families from_ukraine = 15",
        "2027 integration_programmes - = 25",
        "2027 integration_cash_assistance_amount - = 1056194.94",
        "2027 integration_health_insurance_amount - = 2331.83",
        "2027 integration_health_insurance_persons - = 3",
        "2027 crisis_intervention_persons from_ukraine = 9",
      ].sort(),
    );
    const dated = r.observations.filter((o) => o.metric_id === "day_support_children");
    expect(dated.map((o) => o.flags)).toEqual([[]]);
  });

  it("claims no other document of the project", () => {
    const root = new URL("../", import.meta.url);
    for (const centre of ["wroclaw", "jaworzno", "kedzierzyn-kozle"]) {
      const dir = new URL(`./${centre}/documents/`, root);
      for (const name of readdirSync(dir)) {
        expect(
          aktywizacjaUchodzcow.recognise(new SourceText(read(new URL(name, dir))), centreById("katowice")),
          name,
        ).toBeNull();
      }
    }
    for (const name of ["komisja-cpsmis_2025.txt", "komisja-cpsmis_2026.txt"]) {
      expect(
        aktywizacjaUchodzcow.recognise(new SourceText(read(fixturePath(name))), centreById("katowice")),
        name,
      ).toBeNull();
    }
  });
});
