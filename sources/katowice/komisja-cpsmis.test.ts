import { readdirSync } from "node:fs";
import { csvParse } from "d3";
import { describe, expect, it } from "vitest";
import { centreById } from "../lib/centres.ts";
import { SourceText } from "../lib/document.ts";
import { aktywizacjaUchodzcow } from "./aktywizacja-uchodzcow.ts";
import { komisjaCpsmis } from "./komisja-cpsmis.ts";
import {
  documentPath,
  expectProvenance,
  extract,
  figures,
  fixturePath,
  numbersOnLinesWithoutFigures,
  read,
} from "./test-support.ts";

const REPORT = read(documentPath("katowice_mops_cpsmis_komisja-polityki-spolecznej_2025-10-07.txt"));
const { recognition, observations, extractor } = extract(REPORT);
const find = (metric: string, breakdown: string | null = null, obs = observations) =>
  obs.filter((o) => o.metric_id === metric && o.breakdown === breakdown);
const one = (metric: string, breakdown: string | null = null, obs = observations) => {
  const found = find(metric, breakdown, obs);
  expect(found, `${metric}/${breakdown}`).toHaveLength(1);
  const [o] = found;
  if (!o) throw new Error("unreachable");
  return o;
};

describe("Katowice komisja-cpsmis: the 2024 report to the Komisja Polityki Społecznej", () => {
  it("is recognised from its content: the committee's meeting date is the issue date, not a period", () => {
    expect(extractor.id).toBe("katowice/komisja-cpsmis");
    expect(recognition).toEqual({
      centre_id: "katowice",
      kind: "komisja-cpsmis",
      title:
        "Informacje o Centrum Poradnictwa Specjalistycznego, Metodyki i Strategii przy ulicy Morcinka 19a na posiedzenie Komisji Polityki Społecznej",
      periods: ["2024"],
      issued_on: "2025-10-07",
    });
    expect(aktywizacjaUchodzcow.recognise(new SourceText(REPORT), centreById("katowice"))).toBeNull();
  });

  it("gives the core figures of tests/fixtures/core-figures.csv", () => {
    const core = csvParse(read(new URL("../../tests/fixtures/core-figures.csv", import.meta.url))).filter(
      (r) => r.centre_id === "katowice",
    );
    expect(core.length).toBeGreaterThanOrEqual(2);
    for (const row of core) {
      const o = one(row.metric_id ?? "", row.breakdown || null);
      expect(o.period_id).toBe(row.period_id);
      expect(o.value).toBe(Number(row.value));
    }
    expect(one("family_assistants").value).toBe(16);
    const families = one("families_with_family_assistant");
    expect(families.value).toBe(291);
    expect(families.flags).toContain("whole_year_count");
    expect(families.note).toMatch(/całego roku.*15 rodzin/);
    expect(families.label).toBe("Liczba rodzin w 2024 r. korzystających z usługi asystenta rodziny");
    expect(families.quote).toBe("291");
  });

  it("reads every figure of the report, each for 2024", () => {
    expect(figures(observations)).toEqual(
      [
        "2024 programme_meetings po_naszymu = 12",
        "2024 psychological_pedagogical_support_persons - = 63",
        "2024 psychological_pedagogical_support_meetings - = 163",
        "2024 psychological_pedagogical_support_hours - = 163",
        "2024 psychotherapy_persons - = 130",
        "2024 psychotherapy_sessions - = 1999",
        "2024 psychotherapy_hours - = 2011",
        "2024 family_assistants - = 16",
        "2024 families_with_family_assistant - = 291",
        "2024 programme_participants parenting_skills_training = 66",
        "2024 programme_meetings parenting_skills_training = 181",
        "2024 programme_hours parenting_skills_training = 181",
        "2024 trainings paid = 11",
        "2024 training_participants paid = 178",
        "2024 trainings free = 40",
        "2024 training_participants free = 386",
        "2024 trainings - = 51",
        "2024 training_participants - = 564",
        "2024 supervisions psychological = 184",
        "2024 supervision_hours psychological = 417",
        "2024 supervision_participants psychological = 196",
        "2024 supervisions social_work = 75",
        "2024 supervision_hours social_work = 167",
        "2024 supervision_participants social_work = null",
      ].sort(),
    );
    expect(observations.every((o) => o.as_of_date === null)).toBe(true);
  });

  it("validates every figure through extractDocument and cites the line it stands on", () => {
    expectProvenance(REPORT, observations);
    const programme = one("programme_meetings", "po_naszymu");
    expect(programme.quote).toBe("asystentów rodziny i obejmowały cykl 12 spotkań.");
    expect(programme.flags).toEqual(["period_assumed"]);
    const wrapped = one("psychological_pedagogical_support_meetings");
    expect(wrapped.label).toBe(
      "Liczba spotkań, podczas których udzielano wsparcia psychologiczno-pedagogicznego dla rodzin i osób w 2024 r.",
    );
    expect(wrapped.quote).toBe("163");
  });

  it("reads 2 011 after 'w 2024 r.' as 2,011 hours, not as a year", () => {
    const hours = one("psychotherapy_hours");
    expect(hours.value).toBe(2011);
    expect(hours.period_id).toBe("2024");
    expect(hours.quote).toBe("Liczba godzin przeprowadzonych sesji terapeutycznych w 2024 r. 2 011");
    expect(hours.label).toBe("Liczba godzin przeprowadzonych sesji terapeutycznych w 2024 r.");
    expect(hours.flags).toEqual([]);
    expect(one("psychotherapy_sessions").value).toBe(1999);
    expect(observations.some((o) => o.value === 2024 || o.value === 2010 || o.value === 2025)).toBe(false);
  });

  it("splits the two-column rows by the header's column count and checks the total", () => {
    const line = (v: string) => REPORT.split("\n").findIndex((l) => l.includes(v)) + 1;
    expect(one("trainings", "paid")).toMatchObject({ value: 11, line: line("płatne w 2024"), flags: [] });
    expect(one("training_participants", "paid")).toMatchObject({ value: 178, line: line("płatne w 2024") });
    expect(one("trainings", "paid").quote).toBe("Szkolenia płatne w 2024 r. 11 178");
    expect(one("training_participants", "paid").label).toBe(
      "Szkolenia płatne w 2024 r. – Liczba uczestników",
    );
    expect(one("trainings", "free").value).toBe(40);
    expect(one("training_participants", "free").value).toBe(386);
    const total = one("trainings");
    expect(total).toMatchObject({ value: 51, quote: "Suma: 51 564", period_id: "2024", flags: [] });
    expect(one("training_participants")).toMatchObject({ value: 564, flags: [] });
    expect(total.value).toBe((one("trainings", "paid").value ?? 0) + (one("trainings", "free").value ?? 0));
  });

  it("keeps the value the truncated document lost as missing: null, never 0 nor the next number", () => {
    const lost = one("supervision_participants", "social_work");
    expect(lost.value).toBeNull();
    expect(lost.flags).toEqual(["missing"]);
    expect(lost.note).toMatch(/ends before/);
    expect(lost.quote).toBe("Liczba pracowników korzystających z superwizji pracy");
    expect(lost.label).toBe("Liczba pracowników korzystających z superwizji pracy socjalnej w 2024 r.");
    expect(lost.line).toBe(REPORT.split("\n").findIndex((l) => l.startsWith(lost.quote)) + 1);
    expect(observations.filter((o) => o.flags.includes("missing"))).toHaveLength(1);
  });

  it("skips only numbers that are not figures: the programmes' numbering", () => {
    // Years, the meeting's date and time ("7 października 2025 roku o godzinie 12:00") and "Morcinka 19a"
    // are not even found as numbers by findNumbersInProse; what remains is listed here.
    expect(numbersOnLinesWithoutFigures(REPORT, observations)).toEqual([
      { line: expect.stringMatching(/^1\. Program „Po naszymu!"/), number: "1" }, // numbering
      { line: expect.stringMatching(/^2\. Program „Trening/), number: "2" },
      { line: expect.stringMatching(/^3\. Program „Słonecznik"/), number: "3" },
    ]);
  });
});

describe("Katowice komisja-cpsmis: next years' reports of the same layout", () => {
  it("reads the 2025 report: new periods and values, a renamed label, a new programme, an ambiguous row", () => {
    const text = read(fixturePath("komisja-cpsmis_2025.txt"));
    const r = extract(text);
    expect(r.extractor.id).toBe("katowice/komisja-cpsmis");
    expect(r.recognition).toMatchObject({ periods: ["2025"], issued_on: "2026-10-14" });
    expectProvenance(text, r.observations);
    const obs = r.observations;
    expect(obs.every((o) => o.period_id === "2025")).toBe(true);
    expect(one("psychotherapy_persons", null, obs).value).toBe(141); // "Liczba klientów objętych psychoterapią"
    expect(one("psychotherapy_sessions", null, obs).value).toBe(2104);
    expect(one("psychotherapy_hours", null, obs).value).toBe(2230);
    expect(one("family_assistants", null, obs).value).toBe(18);
    expect(one("families_with_family_assistant", null, obs)).toMatchObject({
      value: 305,
      flags: ["whole_year_count"],
    });
    expect(one("programme_meetings", "po_naszymu", obs).value).toBe(14);
    // A programme the vocabulary does not know yet is kept under an id made from its name, with a note.
    const school = find("programme_participants", "szkola_dla_rodzicow_i_wychowawcow", obs);
    expect(school.map((o) => o.value)).toEqual([24]);
    expect(school[0]?.note).toMatch(/not in the breakdown vocabulary programme/);
    expect(one("programme_hours", "szkola_dla_rodzicow_i_wychowawcow", obs).value).toBe(30);
    expect(one("trainings", "paid", obs).value).toBe(14);
    expect(one("training_participants", "free", obs).value).toBe(412);
    // "120 450 300" in two columns reads as 120 | 450 300 or 120 450 | 300: nothing is guessed.
    const elearning = find("trainings", "e_learningowe", obs).concat(
      find("training_participants", "e_learningowe", obs),
    );
    expect(elearning.map((o) => [o.value, o.flags])).toEqual([
      [null, ["ambiguous"]],
      [null, ["ambiguous"]],
    ]);
    expect(one("trainings", null, obs)).toMatchObject({ value: 172, flags: [] });
    expect(one("training_participants", null, obs)).toMatchObject({ value: 1065, flags: [] });
    // Not truncated: the last value is there.
    expect(one("supervision_participants", "social_work", obs)).toMatchObject({ value: 112, flags: [] });
    expect(obs.some((o) => o.flags.includes("missing"))).toBe(false);
    expect(obs).toHaveLength(29);
  });

  it("reads the 2026 report: a number word, a value at the end of a wrapped label, a lost value mid-table, a wrong total", () => {
    const text = read(fixturePath("komisja-cpsmis_2026.txt"));
    const r = extract(text);
    expect(r.recognition).toMatchObject({
      kind: "komisja-cpsmis",
      periods: ["2026"],
      issued_on: "2027-11-03",
    });
    expectProvenance(text, r.observations);
    const obs = r.observations;
    expect(obs.every((o) => o.period_id === "2026")).toBe(true);
    expect(one("programme_meetings", "po_naszymu", obs)).toMatchObject({
      value: 12,
      flags: ["number_word", "period_assumed"],
    });
    expect(one("psychological_pedagogical_support_persons", null, obs)).toMatchObject({
      value: 77,
      quote: "pedagogicznego w 2026 r. 77",
      label: "Liczba osób, które skorzystały ze wsparcia psychologiczno-pedagogicznego w 2026 r.",
    });
    expect(one("psychological_pedagogical_support_meetings", null, obs).value).toBe(1204);
    expect(one("psychological_pedagogical_support_hours", null, obs)).toMatchObject({
      value: null,
      flags: ["missing"],
      quote: "Łączny wymiar godzin udzielonego wsparcia w 2026 r.",
    });
    // "w 2026 r. 2026": the value 2026 sessions, in the year 2026.
    expect(one("psychotherapy_sessions", null, obs).value).toBe(2026);
    expect(one("children_in_families_with_family_assistant", null, obs).value).toBe(512);
    expect(one("training_participants", "free", obs).value).toBe(1021);
    expect(find("trainings", "dofinansowane", obs).map((o) => o.value)).toEqual([5]);
    expect(one("trainings", null, obs)).toMatchObject({ value: 58, flags: [] });
    const wrong = one("training_participants", null, obs);
    expect(wrong).toMatchObject({ value: 1300, flags: ["contradiction"] });
    expect(wrong.note).toMatch(/154 \+ 1021 \+ 87 = 1262/);
    expect(one("supervision_participants", "psychological", obs).value).toBe(205);
    expect(one("supervision_participants", "social_work", obs).value).toBe(97);
    expect(obs).toHaveLength(27);
  });

  it("reads a report without its source line from the first block, and skips a row it cannot place with a warning", () => {
    const text = read(fixturePath("komisja-cpsmis_2025.txt"));
    const noSource = extract(text.replace(/^źródło: .*$/m, ""));
    expect(noSource.recognition.periods).toEqual(["2025"]);
    expect(figures(noSource.observations)).toEqual(figures(extract(text).observations));
    // A block nobody taught the extractor: its row is skipped and named (a warning), nothing is guessed for
    // it, and every other figure is read as before.
    const unknown = text.replace(
      "Obszar psychoterapia",
      "Obszar interwencja kryzysowa \n\nLiczba interwencji w 2025 r. 40 \n\nObszar psychoterapia",
    );
    const skipped = extract(unknown);
    expect(skipped.failures.map((f) => [f.reader, f.skipped])).toEqual([["katowice/komisja-cpsmis", true]]);
    expect(skipped.failures[0]?.reason).toMatch(/„Liczba interwencji w 2025 r\.” on line \d+ has no metric/);
    expect(figures(skipped.observations)).toEqual(figures(extract(text).observations));
  });

  it("claims no other document of the project", () => {
    const root = new URL("../", import.meta.url);
    for (const centre of ["wroclaw", "jaworzno", "kedzierzyn-kozle"]) {
      const dir = new URL(`./${centre}/documents/`, root);
      for (const name of readdirSync(dir)) {
        expect(
          komisjaCpsmis.recognise(new SourceText(read(new URL(name, dir))), centreById("katowice")),
          name,
        ).toBeNull();
      }
    }
    expect(
      komisjaCpsmis.recognise(
        new SourceText(read(documentPath("katowice_mops_aktywizacja-uchodzcow_2025.txt"))),
        centreById("katowice"),
      ),
    ).toBeNull();
  });
});

describe("Katowice komisja-cpsmis: the layout's traps in a next-period information", () => {
  // Headings numbered "1." and "III." (one with its year and a colon), a running header and a page number
  // inside a block, a footnote mark and its note, a dash and "b.d." for missing values, a block with a column
  // per year and a change column, and a row no metric knows.
  const text = read(fixturePath("layout-traps_2030.txt"));
  const result = extract(text);

  it("reads every known row under its block, its year and its value", () => {
    expect(figures(result.observations)).toEqual([
      "2029 families_with_family_assistant - = 331",
      "2029 family_assistants - = 20",
      "2030 families_with_family_assistant - = 340",
      "2030 family_assistants - = 22",
      "2030 psychotherapy_persons - = 141",
      "2030 psychotherapy_sessions - = null",
      "2030 supervision_hours psychological = null",
      "2030 supervisions psychological = 190",
    ]);
    for (const o of result.observations.filter((o) => o.value === null)) {
      expect(o.flags).toEqual(["missing"]);
      expect(o.note).toMatch(/zamiast liczby \(brak danych\)/);
    }
    expect(result.observations.find((o) => o.metric_id === "psychotherapy_persons")?.note).toMatch(
      /przypisem/,
    );
    expect(result.observations.every((o) => !o.flags.includes("period_assumed"))).toBe(true);
    expectProvenance(text, result.observations);
  });

  it("skips the row no metric knows with a warning, and does not reject the document for it", () => {
    expect(result.failures).toEqual([
      expect.objectContaining({
        reader: "katowice/komisja-cpsmis",
        skipped: true,
        reason: expect.stringMatching(/„Liczba wizyt asystentów w domach rodzin” on line 23/),
      }),
    ]);
    expect(result.observations.some((o) => o.line === 23)).toBe(false);
  });
});
