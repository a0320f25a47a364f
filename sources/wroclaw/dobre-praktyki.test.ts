import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { csvParse } from "d3";
import { describe, expect, it } from "vitest";
import { breakdownCatalogue, metricCatalogue, unitOf } from "../lib/catalogue.ts";
import { centreById } from "../lib/centres.ts";
import { SourceText } from "../lib/document.ts";
import { parseNumberWord } from "../lib/numbers.ts";
import type { ExtractedObservation } from "../lib/observation.ts";
import { findPeriodTables, parsePeriodHeader, readRowCells } from "../lib/period-tables.ts";
import { extractDocument } from "../registry.ts";
import { dobrePraktyki, readDeck } from "./dobre-praktyki.ts";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(HERE, "..", "..");
const REAL = join(HERE, "documents", "wroclaw_mops_dobre-praktyki_2000-2013.txt");
const NEXT_YEAR = join(HERE, "fixtures", "dobre-praktyki_2000-2014_next-year.txt");
const TRAPS = join(HERE, "fixtures", "dobre-praktyki_2000-2014_traps.txt");

const read = (path: string) => readFileSync(path, "utf8");
const realText = read(REAL);

/** The observations of a document through the registry, which validates every one against the contract. */
const extracted = (text: string, name = "raport.txt") => extractDocument(text, name);

const find = (obs: ExtractedObservation[], metric: string, period: string, breakdown: string | null = null) =>
  obs.filter((o) => o.metric_id === metric && o.period_id === period && o.breakdown === breakdown);

const valueIn = (
  obs: ExtractedObservation[],
  metric: string,
  period: string,
  breakdown: string | null = null,
) => {
  const hits = find(obs, metric, period, breakdown);
  expect(hits, `${metric} ${period} ${breakdown ?? ""}`).toHaveLength(1);
  return hits[0]?.value;
};

const pl = (v: number) => String(v).replace(/\B(?=(\d{3})+(?!\d))/g, " ");

/** Personal names in the deck (officials, a case diagram, a patron): none may enter any field. */
const NAMES = ["Jacek", "Sutryk", "ANNA", "HALINA", "Stefana", "Wyszyńskiego"];

/** The contract every observation of this extractor keeps, in any version of the deck. */
function expectWellFormed(text: string, obs: ExtractedObservation[]) {
  const lines = new SourceText(text).lines;
  const metrics = metricCatalogue();
  const seen = new Set<string>();
  for (const o of obs) {
    const where = `${o.metric_id} ${o.period_id} ${o.breakdown ?? ""} (line ${o.line})`;
    const line = lines[o.line - 1] ?? "";
    expect(line, where).toContain(o.quote);
    const metric = metrics.get(o.metric_id);
    expect(metric, `${where}: metric in the catalogue`).toBeDefined();
    expect(o.unit, where).toBe(unitOf(o.metric_id));
    if (o.breakdown !== null) {
      expect(
        breakdownCatalogue().some(
          (b) => b.vocabulary === metric?.breakdown_vocabulary && b.breakdown_id === o.breakdown,
        ),
        `${where}: breakdown in the metric's vocabulary`,
      ).toBe(true);
    }
    if (o.value === null) {
      expect(
        o.flags.some((f) => f === "missing" || f === "ambiguous"),
        where,
      ).toBe(true);
      expect(o.note, where).toBeTruthy();
    } else if (o.flags.includes("number_word")) {
      const words = o.quote.match(/\p{L}+/gu) ?? [];
      expect(
        words.some((w) => parseNumberWord(w) === o.value),
        where,
      ).toBe(true);
    } else {
      const written = [String(o.value), pl(o.value)];
      if (o.value >= 1_000_000 && o.value % 1_000_000 === 0) written.push(`${o.value / 1_000_000} mln`);
      expect(
        written.some((w) => new RegExp(`(^|[^\\d])${w}($|[^\\d])`).test(o.quote)),
        `${where}: quote „${o.quote}” shows ${o.value}`,
      ).toBe(true);
    }
    for (const name of NAMES) {
      expect(`${o.quote} ${o.label} ${o.note ?? ""}`, where).not.toContain(name);
    }
    const key = `${o.line}|${o.metric_id}|${o.breakdown ?? ""}|${o.period_id}`;
    expect(seen.has(key), `${where}: one figure per line, metric, breakdown and period`).toBe(false);
    seen.add(key);
  }
}

describe("the real deck (Dobre Praktyki MOPS Wrocław 2000–2013)", () => {
  const { recognition, observations: obs, extractor } = extracted(realText, "cokolwiek.txt");

  it("is recognised from its content with its title and reporting periods", () => {
    expect(extractor.id).toBe("wroclaw/dobre-praktyki");
    expect(recognition).toEqual({
      centre_id: "wroclaw",
      kind: "dobre-praktyki",
      title:
        "Systemowe rozwiązania w pracy socjalnej z wykorzystaniem instrumentów projektowych i wsparcia specjalistycznego – Dobre Praktyki MOPS Wrocław 2000 - 2013",
      periods: ["2010", "2011", "2012", "2012-H1", "2013", "2013-H1"],
      issued_on: null,
    });
  });

  it("reads every core figure of the fixture with the expected value", () => {
    const expected = csvParse(read(join(ROOT, "tests", "fixtures", "core-figures.csv"))).filter(
      (r) => r.centre_id === "wroclaw",
    );
    expect(expected.length).toBeGreaterThanOrEqual(52);
    const missing = expected.filter(
      (e) =>
        !obs.some(
          (o) =>
            o.period_id === e.period_id &&
            o.metric_id === e.metric_id &&
            (o.breakdown ?? "") === (e.breakdown ?? "") &&
            o.value === Number(e.value),
        ),
    );
    expect(missing).toEqual([]);
  });

  it("keeps every observation to the contract: quote on its line showing the value, catalogue metric, no names", () => {
    expectWellFormed(realText, obs);
    expect(obs.length).toBeGreaterThan(120);
  });

  it("never states one figure with two values", () => {
    const values = new Map<string, Set<number | null>>();
    for (const o of obs) {
      const k = `${o.metric_id}|${o.breakdown ?? ""}|${o.period_id}`;
      values.set(k, (values.get(k) ?? new Set()).add(o.value));
    }
    expect([...values].filter(([, v]) => v.size > 1)).toEqual([]);
  });

  it("flags the half-year above its own year (family benefits, alimony fund) and keeps the values", () => {
    const flagged = obs
      .filter((o) => o.flags.includes("contradiction"))
      .map((o) => `${o.metric_id} ${o.period_id} ${o.value}`)
      .sort();
    expect(flagged).toEqual([
      "families_alimony_fund 2012 2759",
      "families_alimony_fund 2012-H1 2870",
      "families_family_benefits 2012 12644",
      "families_family_benefits 2012-H1 13737",
    ]);
    const h1 = find(obs, "families_family_benefits", "2012-H1")[0];
    expect(h1?.note).toMatch(/I półrocze 2012 \(13 737\).*2012 \(12 644\)/);
  });

  it("reads the column order of each table from its own header", () => {
    expect(findPeriodTables(new SourceText(realText)).map((t) => t.columns)).toEqual([
      ["2011", "2012", "2012-H1", "2013-H1"],
      ["2011", "2012-H1", "2012", "2013-H1"],
    ]);
    expect(valueIn(obs, "nk_a_forms", "2012-H1")).toBe(209);
    expect(valueIn(obs, "nk_a_forms", "2012")).toBe(412);
    expect(valueIn(obs, "families_assisted", "2012")).toBe(8738);
    expect(valueIn(obs, "families_assisted", "2012-H1")).toBe(7225);
  });

  it("joins labels wrapped over lines and quotes the line where the values stand", () => {
    const alimony = find(obs, "families_alimony_fund", "2011")[0];
    expect(alimony?.label).toBe("Liczba rodzin pobierająca świadczenie z funduszu alimentacyjnego");
    expect(alimony?.quote).toBe("alimentacyjnego 2 877 2 759 2 870 2 883");
    const groups = find(obs, "nk_working_groups", "2011")[0];
    expect(groups?.label).toBe("Ilość powołanych Grup Roboczych");
    expect(groups?.quote).toBe("233 184 390 227");
  });

  it("dates staff and residents by the deck's year and says so", () => {
    for (const [metric, value] of [
      ["social_workers", 205],
      ["residents", 631235],
    ] as const) {
      const o = find(obs, metric, "2013")[0];
      expect(o?.value).toBe(value);
      expect(o?.flags).toContain("period_assumed");
      expect(o?.note).toMatch(/2013/);
    }
    expect(find(obs, "residents", "2013")[0]?.quote).toContain("631 235");
  });

  it("pairs each family-assistant label with its own families and assistants", () => {
    const pairs = obs
      .filter((o) => o.metric_id === "families_with_family_assistant")
      .map((o) => [
        o.breakdown,
        o.period_id,
        o.value,
        valueIn(obs, "family_assistants", o.period_id, o.breakdown),
      ]);
    expect(pairs).toEqual([
      ["wma", "2011", 80, 20],
      ["wma", "2012", 100, 20],
      ["mops", "2012", 25, 2],
      ["wma", "2010", 100, 25],
      ["wma", "2013", 90, 18],
      ["mops", "2013", 35, 3],
    ]);
    expect(find(obs, "families_with_family_assistant", "2013", "mops")[0]?.flags).toContain(
      "whole_year_count",
    );
  });

  it("reads the figures stated outside the tables", () => {
    expect(valueIn(obs, "care_leavers_assisted", "2012")).toBe(335);
    expect(valueIn(obs, "care_leavers_assisted", "2012-H1")).toBe(191);
    expect(valueIn(obs, "care_leavers_assisted", "2013-H1")).toBe(184);
    // Stocks the deck states with no date are undated, never given the deck's year.
    expect(valueIn(obs, "staff_trained_sign_language", "undated")).toBe(74);
    const interpreters = find(obs, "staff_sign_language_interpreters", "undated")[0];
    expect(interpreters?.value).toBe(2);
    expect(interpreters?.flags).toEqual(["number_word"]);
    expect(valueIn(obs, "field_social_work_teams", "undated")).toBe(10);
    expect(valueIn(obs, "social_activation_points", "undated")).toBe(5);
    expect(valueIn(obs, "large_family_programme_children", "undated")).toBe(12427);
    // A project's results are figures of its whole span (WEPP /2006-2008/, PSS /2008-2010/), plans apart.
    expect(valueIn(obs, "programme_staff_participants", "2006/2008", "wepp")).toBe(214);
    expect(valueIn(obs, "programme_staff_participants_by_role", "2006/2008", "social_worker")).toBe(182);
    expect(valueIn(obs, "specialisation_diplomas", "2006/2008", "first_degree")).toBe(40);
    expect(valueIn(obs, "specialisation_diplomas_planned", "2006/2008", "second_degree")).toBe(18);
    expect(valueIn(obs, "training_participants", "2008/2010")).toBe(710);
    expect(valueIn(obs, "trainings", "2008/2010")).toBe(63);
    expect(valueIn(obs, "trainings", "2008/2010", "vocational")).toBe(38);
    expect(valueIn(obs, "supervisors_trained", "2000/2001")).toBe(35);
    // "średnio rocznie" over the editions 2008–2013 is a span; "Grupa docelowa" is a target, not participants.
    expect(valueIn(obs, "programme_value_annual_average", "2008/2013", "wma")).toBe(4_000_000);
    expect(valueIn(obs, "programme_target_group_annual_average", "2008/2013", "wma")).toBe(500);
    expect(valueIn(obs, "programme_target_group", "2013", "pal")).toBe(176);
    expect(valueIn(obs, "programme_target_group", "2009", "pal")).toBe(29);
    const years = new Set(["2008", "2010", "2013"]);
    const multiYear = obs.filter((o) =>
      /(^|_)(trainings?|diplomas|graduates|target_group|annual_average)/.test(o.metric_id),
    );
    expect(multiYear.filter((o) => years.has(o.period_id) && o.flags.includes("period_assumed"))).toEqual([]);
    expect(valueIn(obs, "staff_in_social_contracts", "2012")).toBe(165);
    expect(valueIn(obs, "staff_in_social_contracts", "2013", "social_worker")).toBe(136);
    expect(valueIn(obs, "staff_in_local_activity_programmes", "2013", "local_animator")).toBe(10);
    expect(valueIn(obs, "local_activity_programmes", "2013")).toBe(12);
    expect(valueIn(obs, "staff_community_organisers", "2012")).toBe(20);
    // Target groups of the 2012–2015 projects: planned, over the months of their realisation.
    expect(valueIn(obs, "programme_target_group", "2012/2014", "moje_miejsce_ngo")).toBe(24);
    expect(valueIn(obs, "programme_target_group", "2012-07/2015-06", "karnet_15")).toBe(216);
    expect(
      valueIn(obs, "programme_target_group_with_disability", "2012-02/2015-01", "trener_aktywnosci"),
    ).toBe(30);
    expect(valueIn(obs, "programme_target_group_staff", "2012-02/2015-01", "trener_aktywnosci")).toBe(5);
    expect(obs.filter((o) => o.metric_id.startsWith("programme_participants"))).toEqual([]);
  });

  it("states the PSS graduates once, naming both places", () => {
    const graduates = find(obs, "postgraduate_graduates", "2008/2010", "pss");
    expect(graduates.map((o) => [o.line, o.value])).toEqual([[611, 99]]);
    expect(graduates[0]?.note).toMatch(/także w: wiersz 653/);
  });

  it("quotes prose figures by their sentence", () => {
    expect(find(obs, "programme_target_group", "2009", "pal")[0]?.quote).toBe("W roku 2009 – 29 osób.");
    expect(find(obs, "care_leavers_assisted", "2012")[0]?.quote).toBe(
      "W 2012 roku ze świadczeń MOPS skorzystało 335 usamodzieleniających się wychowanków pieczy zastepczej",
    );
  });

  it("accounts for every number in the deck: read, or not a figure for a stated reason", () => {
    /** Numbers that are not figures; each pattern is tried on the whole line. */
    const NOT_FIGURES: [RegExp, string][] = [
      [
        /\d{1,2}\.\d{2}\.\d{4}|\d{1,2}\s+(stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia)/,
        "a date",
      ],
      [
        /\d+\s*(lat\b|\+)/,
        "an age (of a person in a case diagram, of a project's target group) or a name (KARnet 15+)",
      ],
      [/^\s*\d+\.\s/, "the number of an item in a list"],
      [/ZTPS\/\d+\//, "the number of a field social-work team, an identifier"],
      [/ul\.|tel\.|\d{2}-\d{3}\s+Wrocław|Rydygiera\s+\d+/, "an address or a phone number"],
      [
        /\d+x|Raz na \d+|do \d+\s*$|składa się z \d+ członków/,
        "a rule of procedure (frequency, duration, composition)",
      ],
      [/Partnerstwo \d+ Scen/, "part of a name"],
      [/^\d+(\.\d+)+\s/, "the number of a measure of an operational programme"],
      [/^\d+ zespoły\s*$/, "the meetings of one family's case in an illustrative diagram, not a statistic"],
    ];
    const byLine = new Map<number, number[]>();
    for (const o of obs) {
      if (o.value === null) continue;
      // A figure stated twice is one row; its note names the other places ("także w: wiersz 653").
      const places = [o.line, ...[...(o.note ?? "").matchAll(/wiersz (\d+) \(/g)].map((m) => Number(m[1]))];
      for (const line of places) byLine.set(line, [...(byLine.get(line) ?? []), o.value]);
    }
    const unexplained: string[] = [];
    new SourceText(realText).lines.forEach((line, i) => {
      const values = (byLine.get(i + 1) ?? []).map(String);
      const open = [...line.matchAll(/\d+/g)]
        .map((m) => m[0])
        .filter((t) => !/^(19|20)\d{2}$/.test(t)) // years: periods, dates, editions
        .filter((t) => !values.some((v) => v.includes(t)));
      if (open.length && !NOT_FIGURES.some(([re]) => re.test(line)))
        unexplained.push(`${i + 1}: ${line.trim()}`);
    });
    expect(unexplained).toEqual([]);
    expect(readDeck(new SourceText(realText)).unread).toEqual([]);
  });
});

describe("next year's deck: same layout, new periods and numbers, an extra reason, shifted lines", () => {
  const text = read(NEXT_YEAR);
  const { recognition, observations: obs } = extracted(text);

  it("reads the new periods from the headers and the title", () => {
    expect(recognition.title).toMatch(/2000 - 2014$/);
    expect(recognition.periods).toEqual(["2010", "2011", "2012", "2013", "2013-H1", "2014", "2014-H1"]);
    expect(findPeriodTables(new SourceText(text)).map((t) => t.columns)).toEqual([
      ["2012", "2013", "2013-H1", "2014-H1"],
      ["2012", "2013-H1", "2013", "2014-H1"],
    ]);
  });

  it("reads the families table by column and the extra reason row", () => {
    expect(valueIn(obs, "families_assisted", "2012")).toBe(8738);
    expect(valueIn(obs, "families_assisted", "2013")).toBe(8112);
    expect(valueIn(obs, "families_assisted", "2013-H1")).toBe(7728);
    expect(valueIn(obs, "families_assisted", "2014-H1")).toBe(6904);
    expect(valueIn(obs, "families_by_reason", "2013", "poverty")).toBe(5301);
    expect(valueIn(obs, "families_by_reason", "2014-H1", "parenting_helplessness")).toBe(1481);
    expect(valueIn(obs, "families_by_reason", "2013", "domestic_violence")).toBe(2187);
    expect(valueIn(obs, "families_by_reason", "2014-H1", "domestic_violence")).toBe(1055);
    expect(valueIn(obs, "families_social_work_only", "2014-H1")).toBe(590);
    expect(valueIn(obs, "families_alimony_fund", "2013")).toBe(2811);
    expect(find(obs, "families_alimony_fund", "2013")[0]?.label).toBe(
      "Liczba rodzin pobierająca świadczenie z funduszu alimentacyjnego",
    );
    expect(obs.filter((o) => o.flags.includes("contradiction"))).toEqual([]);
  });

  it("reads the NK-A table in its own column order", () => {
    expect(valueIn(obs, "nk_a_forms", "2012")).toBe(412);
    expect(valueIn(obs, "nk_a_forms", "2013-H1")).toBe(229);
    expect(valueIn(obs, "nk_a_forms", "2013")).toBe(455);
    expect(valueIn(obs, "nk_working_groups", "2014-H1")).toBe(218);
  });

  it("dates staff and residents by the new deck's year", () => {
    expect(valueIn(obs, "social_workers", "2014")).toBe(212);
    expect(valueIn(obs, "residents", "2014")).toBe(632996);
    expect(find(obs, "social_workers", "2014")[0]?.flags).toContain("period_assumed");
  });

  it("pairs the new family-assistant editions, wherever they stand on the slide", () => {
    expect(valueIn(obs, "families_with_family_assistant", "2014", "wma")).toBe(85);
    expect(valueIn(obs, "family_assistants", "2014", "wma")).toBe(17);
    expect(valueIn(obs, "families_with_family_assistant", "2013", "wma")).toBe(92);
    expect(valueIn(obs, "family_assistants", "2014", "mops")).toBe(4);
    expect(valueIn(obs, "families_with_family_assistant", "2014", "mops")).toBe(48);
  });

  it("reads prose figures with their new periods and values", () => {
    expect(valueIn(obs, "care_leavers_assisted", "2013")).toBe(352);
    expect(valueIn(obs, "care_leavers_assisted", "2014-H1")).toBe(197);
    expect(valueIn(obs, "staff_trained_sign_language", "undated")).toBe(81);
    expect(valueIn(obs, "staff_sign_language_interpreters", "undated")).toBe(3);
    expect(valueIn(obs, "staff_in_social_contracts", "2014")).toBe(158);
    expect(valueIn(obs, "staff_in_social_contracts", "2014", "field_coordinator")).toBe(15);
  });

  it("keeps every observation to the contract", () => {
    expectWellFormed(text, obs);
    expect(readDeck(new SourceText(text)).unread).toEqual([]);
  });
});

describe("a deck with the traps: other column orders, a renamed row, an ambiguous and a truncated row", () => {
  const text = read(TRAPS);
  const { observations: obs } = extracted(text);

  it("reads both tables in the order their headers give", () => {
    expect(findPeriodTables(new SourceText(text)).map((t) => t.columns)).toEqual([
      ["2012", "2013-H1", "2013", "2014-H1"],
      ["2013-H1", "2013", "2014-H1", "2012"],
    ]);
    expect(valueIn(obs, "families_assisted", "2013-H1")).toBe(7728);
    expect(valueIn(obs, "families_assisted", "2013")).toBe(8112);
    expect(valueIn(obs, "nk_a_forms", "2012")).toBe(412);
    expect(valueIn(obs, "nk_working_groups", "2014-H1")).toBe(218);
  });

  it("reads an extra reason, a wrapped reason and a renamed benefit row", () => {
    expect(valueIn(obs, "families_by_reason", "2013", "alcoholism")).toBe(1090);
    expect(valueIn(obs, "families_by_reason", "2013-H1", "alcoholism")).toBe(688);
    expect(valueIn(obs, "families_by_reason", "2013", "parenting_helplessness")).toBe(2044);
    expect(valueIn(obs, "families_family_benefits", "2014-H1")).toBe(13120);
  });

  it("flags a half-year above its year wherever the columns stand", () => {
    const flagged = obs.filter((o) => o.flags.includes("contradiction")).map((o) => o.period_id);
    expect(flagged.sort()).toEqual(["2013", "2013-H1"]);
  });

  it("leaves an ambiguous split null, flagged, with the readings", () => {
    const row = obs.filter((o) => o.metric_id === "families_social_work_only");
    expect(row).toHaveLength(4);
    for (const o of row) {
      expect(o.value).toBeNull();
      expect(o.flags).toContain("ambiguous");
      expect(o.note).toContain("1 204 | 587 | 603 | 611");
    }
  });

  it("leaves a row that lost a value null in every column, never 0 and never shifted", () => {
    // "Praca socjalna 804 790 812": three values for four columns. Which column lost its value is not
    // written, so none of the three is placed in a column (812 may be 2013's or I półrocze 2014's).
    const row = obs.filter((o) => o.metric_id === "families_social_work");
    expect(row.map((o) => o.period_id).sort()).toEqual(["2012", "2013", "2013-H1", "2014-H1"]);
    for (const o of row) {
      expect([o.value, o.flags]).toEqual([null, ["ambiguous"]]);
      expect(o.note).toContain("804 790 812");
    }
  });

  it("keeps every observation to the contract", () => {
    expectWellFormed(text, obs);
  });
});

describe("traps, one at a time", () => {
  it("reads a header of periods in any order and spelling", () => {
    expect(parsePeriodHeader("2011 2012 I półrocze 2012 I półrocze 2013")).toEqual([
      "2011",
      "2012",
      "2012-H1",
      "2013-H1",
    ]);
    expect(parsePeriodHeader("2011 rok I półrocze 2012 rok 2012 rok I półrocze 2013 rok")).toEqual([
      "2011",
      "2012-H1",
      "2012",
      "2013-H1",
    ]);
    expect(parsePeriodHeader("I półr. 2014 II półrocze 2014 2014")).toEqual(["2014-H1", "2014-H2", "2014"]);
    expect(parsePeriodHeader("2010")).toBeNull();
    expect(parsePeriodHeader("I półrocze")).toBeNull();
    expect(parsePeriodHeader("2012 2012")).toBeNull();
  });

  it("splits a row by the column count, keeps what all readings agree on and never guesses the rest", () => {
    expect(
      readRowCells("572 678 483 623", ["2011", "2012", "2012-H1", "2013-H1"])?.map((c) => c.value),
    ).toEqual([572, 678, 483, 623]);
    const cells = readRowCells("2 877 2 759 870 2 883", ["2011", "2012", "2012-H1", "2013-H1"]) ?? [];
    expect(cells.map((c) => c.value)).toEqual([null, null, null, null]);
    expect(cells[0]?.flags).toEqual(["ambiguous"]);
    expect(cells[0]?.note).toContain("2 877 | 2 759 | 870 | 2 883");
    expect(cells[0]?.note).toContain("2 | 877 | 2 759 870 | 2 883");
    // Every reading ends with 1: that column is not in doubt.
    const partly = readRowCells("57 678 483 623 1", ["2011", "2012", "2012-H1", "2013-H1"]) ?? [];
    expect(partly.map((c) => c.value)).toEqual([null, null, null, 1]);
    expect(partly[3]?.flags).toEqual([]);
    const two = readRowCells("572 678 483", ["2011", "2012"]) ?? [];
    expect(two.map((c) => [c.value, c.flags])).toEqual([
      [null, ["ambiguous"]],
      [null, ["ambiguous"]],
    ]);
  });

  it("never places the values of a row with fewer values than columns: the lost column is unknown", () => {
    const columns = ["2011", "2012", "2012-H1", "2013-H1"];
    // "4151 4165 3449": 2012-H1 is lost, and 3449 belongs to 2013-H1; left to right would shift it.
    for (const numbers of ["4151 4165 3449", "572 678 483"]) {
      const cells = readRowCells(numbers, columns) ?? [];
      expect(cells.map((c) => [c.value, c.flags])).toEqual(columns.map(() => [null, ["ambiguous"]]));
      expect(cells[0]?.note).toContain(numbers);
    }
    expect(readRowCells("1 2 3 4 5", ["2011", "2012"])).toBeNull();
  });

  it("leaves every value of a row the document is cut in missing, the last number written too", () => {
    // "4 151" of "4 151 4 165 3 105 3 449": neither 4 | 151 nor 4151 is read.
    const cells = readRowCells("4 151", ["2011", "2012", "2012-H1", "2013-H1"], { documentEndsInRow: true });
    expect(cells?.map((c) => [c.value, c.flags])).toEqual([
      [null, ["missing"]],
      [null, ["missing"]],
      [null, ["missing"]],
      [null, ["missing"]],
    ]);
    expect(cells?.[0]?.note).toContain("urywa się");
  });

  const COLUMNS = ["2011", "2012", "2012-H1", "2013-H1"];
  const table = (...rows: string[]) =>
    [
      "Dobre Praktyki MOPS Wrocław",
      "2000 - 2013",
      "DANE ILOŚCIOWE",
      "2011 2012",
      "I półrocze",
      "2012",
      "I półrocze",
      "2013",
      "Liczba rodzin korzystająca z pomocy społecznej  10 309 8 738 7 225 7 728",
      "Powody korzystania z pomocy liczba rodzin",
      ...rows,
      "Praca socjalna  3 159 3 804 3 090 2 083",
    ].join("\n");
  const cellsOf = (text: string, breakdown: string) =>
    readDeck(new SourceText(text))
      .observations.filter((o) => o.metric_id === "families_by_reason" && o.breakdown === breakdown)
      .map((o) => [o.period_id, o.value, o.flags, o.line]);

  it("reads the table of a document cut inside a row: that row missing, nothing split over the columns", () => {
    const text = table("ubóstwo 6 119 5 674 4 376 4 877", "bezrobocie 4 151 4 165 3 105 3 449");
    const cut = text.slice(0, text.indexOf("4 165"));
    expect(cellsOf(cut, "unemployment")).toEqual(COLUMNS.map((p) => [p, null, ["missing"], 12]));
    // The row above it is whole.
    expect(cellsOf(cut, "poverty").map((c) => c[1])).toEqual([6119, 5674, 4376, 4877]);
  });

  it("reads no digit of a row whose values have letters among the digits (4 l51, 3 1O5)", () => {
    const garbled = "bezrobocie 4 l51 4 165 3 1O5 3 449";
    const cells = cellsOf(table("ubóstwo 6 119 5 674 4 376 4 877", garbled), "unemployment");
    expect(cells).toEqual(COLUMNS.map((p) => [p, null, ["missing"], 12]));
    const note = readDeck(new SourceText(table(garbled))).observations.find(
      (o) => o.breakdown === "unemployment",
    )?.note;
    expect(note).toContain("4 l51 4 165 3 1O5 3 449");
  });

  it("reads a row written twice with the same values once, noted; with other values both, flagged", () => {
    const row = "ubóstwo 6 119 5 674 4 376 4 877";
    const twice = readDeck(new SourceText(table(row, row)));
    const poverty = twice.observations.filter((o) => o.breakdown === "poverty");
    expect(poverty.map((o) => [o.period_id, o.value, o.flags, o.line])).toEqual([
      ["2011", 6119, [], 11],
      ["2012", 5674, [], 11],
      ["2012-H1", 4376, [], 11],
      ["2013-H1", 4877, [], 11],
    ]);
    expect(poverty[0]?.note).toContain("powtórzony");
    const other = cellsOf(table(row, "ubóstwo 6 119 5 674 4 377 4 877"), "poverty");
    expect(other).toEqual([
      ["2011", 6119, [], 11],
      ["2012", 5674, [], 11],
      ["2012-H1", 4376, ["contradiction"], 11],
      ["2013-H1", 4877, [], 11],
      ["2012-H1", 4377, ["contradiction"], 12],
    ]);
  });

  it("reads the staff count as missing when its number has a letter among the digits", () => {
    const text = table("ubóstwo 6 119 5 674 4 376 4 877").replace(
      "DANE ILOŚCIOWE",
      "DANE ILOŚCIOWE\nLiczba pracowników socjalnych terenowych 2O5",
    );
    const staff = readDeck(new SourceText(text)).observations.filter((o) => o.metric_id === "social_workers");
    expect(staff.map((o) => [o.value, o.flags])).toEqual([[null, ["period_assumed", "missing"]]]);
  });

  it("reads a table whose labels wrap and whose values stand on their own line", () => {
    const text = [
      "Dobre Praktyki MOPS Wrocław",
      "2000 - 2015",
      "DANE ILOŚCIOWE",
      "2014 rok",
      "",
      "I półrocze",
      "",
      "2015 rok",
      "Liczba rodzin korzystających",
      "",
      "z pomocy społecznej",
      "",
      "9 001 4 120",
      "Powody przyznania pomocy",
      "przemoc w",
      "rodzinie 1 010 480",
      "Ilość powołanych Grup",
      "Diagnostyczno-Pomocowych 300 155",
    ].join("\n");
    const doc = new SourceText(text);
    const obs = readDeck(doc, "wroclaw").observations;
    expect(dobrePraktyki.recognise(doc, centreById("wroclaw"))?.periods).toEqual(["2014", "2015", "2015-H1"]);
    expect(obs.map((o) => [o.metric_id, o.breakdown, o.period_id, o.value, o.line])).toEqual([
      ["families_assisted", null, "2014", 9001, 13],
      ["families_assisted", null, "2015-H1", 4120, 13],
      ["families_by_reason", "domestic_violence", "2014", 1010, 16],
      ["families_by_reason", "domestic_violence", "2015-H1", 480, 16],
      ["nk_working_groups", null, "2014", 300, 18],
      ["nk_working_groups", null, "2015-H1", 155, 18],
    ]);
    expect(obs[0]?.label).toBe("Liczba rodzin korzystających z pomocy społecznej");
  });

  it("pairs family-assistant labels with their own numbers when the slide is scrambled and wrapped", () => {
    const text = [
      "Dobre Praktyki MOPS Wrocław",
      "DANE ILOŚCIOWE",
      "2014 2015",
      "MOPS - 2015",
      "",
      "61 rodzin/5",
      "asystentów",
      "WMA",
      "edycja",
      "",
      "2014",
      "70",
      "rodzin/14",
      "",
      "asystentów",
    ].join("\n");
    const obs = readDeck(new SourceText(text)).observations;
    expect(obs.map((o) => [o.metric_id, o.breakdown, o.period_id, o.value, o.quote])).toEqual([
      ["families_with_family_assistant", "mops", "2015", 61, "61 rodzin/5"],
      ["family_assistants", "mops", "2015", 5, "61 rodzin/5"],
      ["families_with_family_assistant", "wma", "2014", 70, "70"],
      ["family_assistants", "wma", "2014", 14, "rodzin/14"],
    ]);
  });
});

describe("recognition looks at the content only", () => {
  it("takes the deck under any file name", () => {
    const doc = new SourceText(realText);
    expect(dobrePraktyki.recognise(doc, centreById("wroclaw"))?.kind).toBe("dobre-praktyki");
    expect(extracted(realText, "x.pdf.txt").recognition.kind).toBe("dobre-praktyki");
  });

  it("refuses the other centres' reports and a Wrocław text without the tables", () => {
    const others = ["katowice", "jaworzno", "kedzierzyn-kozle"].flatMap((centre) => {
      const dir = join(HERE, "..", centre, "documents");
      return readdirSync(dir)
        .filter((f) => f.endsWith(".txt"))
        .map((f) => read(join(dir, f)));
    });
    expect(others.length).toBeGreaterThan(0);
    for (const text of others)
      expect(dobrePraktyki.recognise(new SourceText(text), centreById("wroclaw"))).toBeNull();
    const slidesOnly = realText.split("DANE ILOŚCIOWE")[0] ?? "";
    expect(dobrePraktyki.recognise(new SourceText(slidesOnly), centreById("wroclaw"))).toBeNull();
    expect(
      dobrePraktyki.recognise(
        new SourceText("Notatka o pomocy społecznej we Wrocławiu."),
        centreById("wroclaw"),
      ),
    ).toBeNull();
  });
});
