import { describe, expect, it } from "vitest";
import { extractDocument, validateExtraction } from "../registry.ts";
import { grainKey, grainViolations, oneFigurePerDocument, oneFigurePerPlace } from "./grain.ts";
import type { ExtractedObservation } from "./observation.ts";

const figure = (over: Partial<ExtractedObservation> = {}): ExtractedObservation => ({
  centre_id: "kedzierzyn-kozle",
  period_id: "2025",
  as_of_date: null,
  metric_id: "families_with_family_assistant",
  breakdown: null,
  value: 74,
  unit: "families",
  line: 50,
  quote: "Asystenci rodziny w 2025 r. objęli wsparciem 74 rodziny",
  label: "objęli wsparciem 74 rodziny",
  flags: [],
  note: null,
  ...over,
});

describe("the grain: one figure per document, line, metric, breakdown, period and date", () => {
  it("keys a figure by what observation_id is made of, never by its value or quote", () => {
    expect(grainKey(figure())).toBe(grainKey(figure({ value: 76, quote: "76 rodzin" })));
    expect(grainKey(figure())).not.toBe(grainKey(figure({ line: 51 })));
    expect(grainKey(figure())).not.toBe(grainKey(figure({ breakdown: "wma" })));
    expect(grainKey(figure())).not.toBe(grainKey(figure({ period_id: "2025-H1" })));
    expect(grainViolations([figure(), figure({ line: 51 })])).toEqual([]);
    expect(grainViolations([figure(), figure({ value: 76 })])).toHaveLength(1);
  });

  it("reads a statement repeated on its line once, noted", () => {
    const out = oneFigurePerPlace([figure(), figure({ metric_id: "family_assistants", value: 4 }), figure()]);
    expect(out.map((o) => [o.metric_id, o.value, o.flags])).toEqual([
      ["families_with_family_assistant", 74, []],
      ["family_assistants", 4, []],
    ]);
    expect(out[0]?.note).toContain("liczona raz");
  });

  it("chooses no value where one place states two: null, ambiguous and contradiction, both kept in the note", () => {
    const out = oneFigurePerPlace([
      figure({ flags: ["whole_year_count"] }),
      figure({ value: 76, quote: "objęli wsparciem 76 rodziny" }),
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]?.value).toBeNull();
    expect(out[0]?.flags).toEqual(["whole_year_count", "ambiguous", "contradiction"]);
    expect(out[0]?.note).toMatch(/74 .*76 /);
    expect(grainViolations(out)).toEqual([]);
  });
});

describe("accept-time guard: a document whose figures break the contract or the grain is rejected", () => {
  it("rejects two figures with one observation_id, in one line naming the file and the reason", () => {
    expect(() =>
      validateExtraction("kedzierzyn-kozle/asystenci-rodziny", "raport.txt", [
        figure(),
        figure({ value: 76 }),
      ]),
    ).toThrow(
      /^raport\.txt: Ta sama liczba dokumentu została odczytana dwa razy .*zgłoś go zespołowi — extractor kedzierzyn-kozle\/asystenci-rodziny read 2 figures with one observation_id \(line 50: families_with_family_assistant, 2025; values 74, 76\).*grain$/,
    );
  });

  it("rejects a figure that breaks the contract, in one line", () => {
    let message = "";
    try {
      validateExtraction("x/y", "raport.txt", [
        figure(),
        figure({ line: 51, value: null }),
        figure({ line: 0 }),
      ]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /^raport\.txt: Odczytane liczby nie przeszły kontroli .*zgłoś go zespołowi — extractor x\/y produced invalid figures: .+ in figure 2 \(line 51, families_with_family_assistant\) \(and 1 more\)$/,
    );
    expect(message).not.toContain("\n");
  });

  it("takes a document whose repeated sentence the extractor reads as one figure", () => {
    const text = [
      "INFORMACJA O DZIAŁANIACH ASYSTENTÓW RODZINY MIEJSKIEGO OŚRODKA POMOCY SPOŁECZNEJ W KĘDZIERZYNIE-KOŹLU W ROKU 2025",
      "",
      "Asystenci rodziny w 2025 r. objęli wsparciem 74 rodziny, w których wychowuje się 135 dzieci. " +
        "Asystenci rodziny w 2025 r. objęli wsparciem 76 rodziny, w których wychowuje się 135 dzieci.",
    ].join("\n");
    const { observations } = extractDocument(text, "raport.txt");
    expect(observations.map((o) => [o.metric_id, o.value, o.flags])).toEqual([
      ["families_with_family_assistant", null, ["whole_year_count", "ambiguous", "contradiction"]],
      ["children_in_families_with_family_assistant", 135, []],
    ]);
  });
});

describe("one figure per document", () => {
  const at = (line: number, value: number | null, quote = `${value}`) =>
    figure({ line, value, quote, flags: value === null ? ["missing"] : [] });

  it("keeps a value stated at two places once, its note naming the other place", () => {
    const [only, ...rest] = oneFigurePerDocument([
      at(10, 42, "Wsparcie psychologa 42"),
      at(30, 42, "skorzystały 42 rodziny"),
    ]);
    expect(rest).toEqual([]);
    expect(only?.line).toBe(10);
    expect(only?.note).toContain("wiersz 30 („skorzystały 42 rodziny”)");
  });

  it("keeps different values as written, each flagged a contradiction naming the other", () => {
    const out = oneFigurePerDocument([at(10, 14), at(30, 12)]);
    expect(out.map((o) => [o.line, o.value, o.flags])).toEqual([
      [10, 14, ["contradiction"]],
      [30, 12, ["contradiction"]],
    ]);
    expect(out[0]?.note).toContain("12 w wierszu 30");
  });

  it("leaves other figures and unread values alone", () => {
    const other = { ...at(30, 42), metric_id: "other_metric" };
    expect(oneFigurePerDocument([at(10, 42), other, at(40, null)])).toHaveLength(3);
  });
});
