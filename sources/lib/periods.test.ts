import { describe, expect, it } from "vitest";
import { ExtractedObservation } from "./observation.ts";
import { periodKind, periodLabelPl, romanMonth, spanPeriod, UNDATED } from "./periods.ts";

describe("periods that tell the truth", () => {
  it("writes a multi-year span as an interval, never as one of its years", () => {
    expect(spanPeriod(2006, 2008)).toBe("2006/2008");
    expect(spanPeriod(2012, 2015, romanMonth("VII"), romanMonth("VI"))).toBe("2012-07/2015-06");
    expect(spanPeriod(2012, 2014, 1, 12)).toBe("2012/2014");
    // Within one year a span is that year or its half-year.
    expect(spanPeriod(2013, 2013)).toBe("2013");
    expect(spanPeriod(2013, 2013, 1, 6)).toBe("2013-H1");
  });

  it("tells every kind of period apart and labels it in Polish", () => {
    expect(["2012", "2012-H1", "2006/2008", "2012-07/2015-06", UNDATED, "2012-H3"].map(periodKind)).toEqual([
      "year",
      "half_year",
      "span",
      "span",
      "undated",
      null,
    ]);
    expect(["2012", "2012-H2", "2006/2008", "2012-07/2015-06", UNDATED].map(periodLabelPl)).toEqual([
      "2012",
      "II półrocze 2012",
      "lata 2006–2008",
      "VII 2012 – VI 2015",
      "bez daty",
    ]);
  });

  it("is checked by the observation contract", () => {
    const figure = (period_id: string) =>
      ExtractedObservation.safeParse({
        centre_id: "wroclaw",
        period_id,
        as_of_date: null,
        metric_id: "trainings",
        breakdown: null,
        value: 47,
        unit: "trainings",
        line: 1,
        quote: "47",
        label: "szkolenia",
        flags: [],
        note: null,
      }).success;
    expect(["2008", "2008-H1", "2006/2008", "2012-07/2015-06", "undated"].every(figure)).toBe(true);
    expect(["2008-13/2009", "2006-2008", "2008/", "bez daty"].some(figure)).toBe(false);
  });
});
