import { describe, expect, it } from "vitest";
import { searchCities, topCities } from "./components/compare.ts";
import { excelCell, toExcelCsv } from "./components/excel-csv.ts";
import { latestChange, type Observation, seriesOf } from "./components/figures.ts";
import {
  formatChange,
  formatDate,
  formatDecimal,
  formatNumber,
  formatPercent,
  formatPercentChange,
  formatPeriod,
  formatTimestamp,
  formatUnit,
  formatValue,
  MISSING,
  periodOrder,
  plural,
  previousComparablePeriod,
} from "./components/format.ts";

// Tests read numbers with ordinary spaces; the dashboards use non-breaking ones so a number never wraps.
const plain = (s: string) => s.replaceAll("\u00a0", " ");

describe("Polish number formatting", () => {
  it("groups thousands with a space and uses a decimal comma", () => {
    expect(plain(formatNumber(10309))).toBe("10 309");
    expect(plain(formatNumber(631235))).toBe("631 235");
    expect(plain(formatNumber(8738))).toBe("8 738");
    expect(formatNumber(405)).toBe("405");
    expect(plain(formatNumber(1234567.891, 2))).toBe("1 234 567,89");
    expect(formatNumber(18.1875, 1)).toBe("18,2");
    expect(formatNumber(-5)).toBe("−5");
    expect(formatNumber(-0.01, 1)).toBe("0,0");
  });

  it('writes a missing value as "brak danych", never as 0', () => {
    expect(MISSING).toBe("brak danych");
    for (const f of [formatNumber, formatDecimal, formatPercent, formatChange, formatPercentChange]) {
      expect(f(null)).toBe(MISSING);
      expect(f(undefined)).toBe(MISSING);
      expect(f(Number.NaN)).toBe(MISSING);
    }
    expect(formatNumber(0)).toBe("0");
  });

  it("formats shares as Polish percentages", () => {
    expect(plain(formatPercent(0.182))).toBe("18,2 %");
    expect(plain(formatPercent(0.46449900464499005))).toBe("46,4 %");
    expect(plain(formatPercent(1, 0))).toBe("100 %");
    expect(plain(formatPercentChange(0.07))).toBe("+7,0 %");
    expect(plain(formatPercentChange(-0.1))).toBe("−10,0 %");
  });

  it("keeps money in złoty and grosze and never rounds a fraction away", () => {
    expect(plain(formatValue(256194.94, "PLN"))).toBe("256 194,94 zł");
    expect(plain(formatValue(10309, "families"))).toBe("10 309");
    expect(formatValue(2.5, "persons")).toBe("2,5");
    expect(formatValue(null, "PLN")).toBe(MISSING);
  });

  it("drops needless decimals in ratios and signs changes", () => {
    expect(formatDecimal(15)).toBe("15");
    expect(formatDecimal(291 / 16)).toBe("18,2");
    expect(plain(formatDecimal(631235 / 205))).toBe("3 079,2");
    expect(plain(formatChange(503))).toBe("+503");
    expect(plain(formatChange(-1007))).toBe("−1 007");
    expect(formatChange(0)).toBe("0");
  });
});

describe("Polish dates, periods and units", () => {
  it("writes dates with Polish month names, without a time-zone shift", () => {
    expect(formatDate("2025-10-07")).toBe("7 października 2025");
    expect(formatDate("2024-12-31")).toBe("31 grudnia 2024");
    expect(formatDate(null)).toBe(MISSING);
    // in Polish time: UTC+1 in winter, UTC+2 in summer, the date turning at midnight in Warsaw
    expect(formatTimestamp("2025-11-25T06:00:40.282Z")).toBe("25.11.2025, 07:00");
    expect(formatTimestamp("2025-11-25 06:00:40.28+00")).toBe("25.11.2025, 07:00");
    expect(formatTimestamp("2025-07-31 22:30:00+00")).toBe("01.08.2025, 00:30");
  });

  it("names half-years as Polish reports do and orders periods in time", () => {
    expect(formatPeriod("2012-H1")).toBe("I półrocze 2012");
    expect(formatPeriod("2012-H2")).toBe("II półrocze 2012");
    expect(formatPeriod("2012")).toBe("2012");
    const ids = ["2013-H1", "2012", "2011", "2012-H2", "2012-H1"];
    expect(ids.sort((a, b) => periodOrder(a) - periodOrder(b))).toEqual([
      "2011",
      "2012-H1",
      "2012-H2",
      "2012",
      "2013-H1",
    ]);
    // spans by their end, then their start; undated last
    const mixed = [
      "undated",
      "2008/2010",
      "2006/2008",
      "2012-07/2015-06",
      "2012/2014",
      "2012-02/2015-01",
      "2010",
      "2000/2001",
    ];
    expect(mixed.sort((a, b) => periodOrder(a) - periodOrder(b))).toEqual([
      "2000/2001",
      "2006/2008",
      "2008/2010",
      "2010",
      "2012/2014",
      "2012-02/2015-01",
      "2012-07/2015-06",
      "undated",
    ]);
    expect(previousComparablePeriod("2013-H1")).toBe("2012-H1");
    expect(previousComparablePeriod("2012")).toBe("2011");
  });

  it("says what is counted and declines nouns", () => {
    expect(formatUnit("families")).toBe("liczba rodzin");
    expect(formatUnit("forms")).toBe("liczba formularzy");
    expect(formatUnit("something_new")).toBe("something_new");
    expect([1, 2, 5, 12, 22, 25].map((n) => plural(n, "rodzina", "rodziny", "rodzin"))).toEqual([
      "rodzina",
      "rodziny",
      "rodzin",
      "rodzin",
      "rodziny",
      "rodzin",
    ]);
  });
});

describe("CSV for Polish Excel", () => {
  it("writes a BOM, semicolons, decimal commas, CRLF and Excel booleans", () => {
    const csv = toExcelCsv({
      columns: ["centre_id", "share", "value", "is_late", "flags", "quote"],
      types: ["VARCHAR", "DOUBLE", "DOUBLE", "BOOLEAN", "VARCHAR[]", "VARCHAR"],
      rows: [
        {
          centre_id: "wroclaw",
          share: 0.182,
          value: 10309,
          is_late: false,
          flags: ["a", "b"],
          quote: "10 309",
        },
        { centre_id: "katowice", share: null, value: null, is_late: true, flags: [], quote: 'a; "b"' },
      ],
    });
    expect(csv.startsWith("\ufeffcentre_id;share;value;is_late;flags;quote\r\n")).toBe(true);
    expect(csv).toContain("wroclaw;0,182;10309;FAŁSZ;a, b;10 309\r\n");
    expect(csv).toContain('katowice;;;PRAWDA;;"a; ""b"""\r\n');
  });

  it("keeps text that looks like a formula as text", () => {
    expect(excelCell("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(excelCell("- MOPS 2012")).toBe("'- MOPS 2012");
    expect(excelCell("-5")).toBe("-5");
    expect(excelCell(-5.5)).toBe("-5,5");
    expect(excelCell("2025-11-25T06:00:40.282Z", "TIMESTAMP WITH TIME ZONE")).toBe("2025-11-25 06:00:40");
  });
});

describe("series and comparable periods", () => {
  const obs = (period_id: string, value: number | null, extra: Partial<Observation> = {}): Observation =>
    ({
      centre_id: "wroclaw",
      centre_name: "Wrocław",
      period_id,
      period_kind: period_id.includes("H") ? "half_year" : "year",
      period_label: formatPeriod(period_id),
      metric_id: "families_assisted",
      metric_label: "Rodziny",
      breakdown: null,
      breakdown_label: null,
      value,
      unit: "families",
      flags: [],
      ...extra,
    }) as Observation;

  it("compares the latest period with the same kind of period a year earlier, never a year with a half-year", () => {
    const [series] = seriesOf([
      obs("2011", 10309),
      obs("2012", 8738),
      obs("2012-H1", 7225),
      obs("2013-H1", 7728),
    ]);
    const change = series && latestChange(series);
    expect(change?.latest.period_id).toBe("2013-H1");
    expect(change?.previous?.period_id).toBe("2012-H1");
    expect(change?.delta).toBe(503);
  });

  it("leaves a contradicted or missing value null instead of choosing one", () => {
    const [series] = seriesOf([obs("2023", 14), obs("2023", 12), obs("2022", null, { flags: ["missing"] })]);
    expect(series?.points.map((p) => [p.period_id, p.value, p.rows.length])).toEqual([
      ["2022", null, 1],
      ["2023", null, 2],
    ]);
    expect(series && latestChange(series)?.delta).toBeNull();
  });
});

describe("Porównanie miast with many cities", () => {
  const city = (i: number, value: number | null) => ({ centre_id: `c${i}`, label: `Gmina ${i}`, value });

  it("shows every city while they are few, missing ones too", () => {
    const rows = [city(1, 5), city(2, null), city(3, 7)];
    expect(topCities(rows, { limit: 3 })).toEqual({ shown: rows, hidden: 0, withoutValue: 0 });
  });

  it("keeps the highest values past the limit, never a missing value as the lowest, and the searched city", () => {
    const rows = Array.from({ length: 40 }, (_, i) => city(i, i % 10 === 0 ? null : i));
    const { shown, hidden, withoutValue } = topCities(rows, { limit: 5, keep: ["c3", "c20"] });
    expect(shown.map((r) => r.centre_id)).toEqual(["c39", "c38", "c37", "c36", "c35", "c3", "c20"]);
    expect(hidden).toBe(33);
    expect(withoutValue).toBe(3); // c0, c10, c30 (c20 is kept)
  });

  it("finds a city by name without Polish letters or case", () => {
    const rows = [
      { centre_id: "wroclaw", label: "Wrocław" },
      { centre_id: "kk", label: "Kędzierzyn-Koźle" },
      { centre_id: "lodz", label: "Łódź" },
    ];
    expect(searchCities(rows, "wroc")).toEqual(["wroclaw"]);
    expect(searchCities(rows, "KEDZIERZYN")).toEqual(["kk"]);
    expect(searchCities(rows, "lodz")).toEqual(["lodz"]);
    expect(searchCities(rows, "  ")).toEqual([]);
  });
});
