import { describe, expect, it } from "vitest";
import { byPolishLabel, matchesSearch } from "./components/catalogue.ts";
import { toExcelCsv } from "./components/excel-csv.ts";
import { cellValue, fileNameOf, rowsTable } from "./components/export.ts";
import { cellText, isIdentifierColumn } from "./components/sql-console.ts";
import { withParam } from "./components/url-state.ts";

describe("export, share and find", () => {
  it("names files after their titles without Polish letters", () => {
    expect(fileNameOf("Rodziny objęte pomocą – Wrocław, łącznie 2023")).toBe(
      "rodziny-objete-pomoca-wroclaw-lacznie-2023",
    );
    expect(fileNameOf("")).toBe("wykres");
  });

  it("turns shown numbers back into numbers Excel adds up, and leaves text alone", () => {
    expect(cellValue("10\u00a0309")).toBe(10309);
    expect(cellValue("18,2")).toBe(18.2);
    expect(cellValue("−5")).toBe(-5);
    expect(cellValue("brak danych")).toBe("brak danych");
    expect(cellValue("I półrocze 2012: 7 225")).toBe("I półrocze 2012: 7 225");
  });

  it("writes a chart's rows with ids and labels side by side, leaving nested rows out", () => {
    const table = rowsTable([
      { centre_id: "wroclaw", label: "Wrocław", value: 10.5, flags: ["derived"], rows: [{ x: 1 }] },
    ]);
    expect(table.columns).toEqual(["centre_id", "label", "value", "flags"]);
    expect(toExcelCsv(table)).toBe("\ufeffcentre_id;label;value;flags\r\nwroclaw;Wrocław;10,5;derived\r\n");
  });

  it("keeps a view in the address, one parameter at a time", () => {
    const a = withParam("http://x/porownanie?okres=2012", "wskaznik", "nk_a_forms");
    expect(new URL(a).searchParams.get("okres")).toBe("2012");
    expect(new URL(a).searchParams.get("wskaznik")).toBe("nk_a_forms");
    expect(withParam(a, "okres", null)).toBe("http://x/porownanie?wskaznik=nk_a_forms");
  });

  it("sorts as a Polish dictionary and finds words typed without Polish letters", () => {
    const sorted = byPolishLabel(["Żłobki", "Zasiłki", "Łączna", "Liczba", "Ąb", "Ab"], (s) => s);
    expect(sorted).toEqual(["Ab", "Ąb", "Liczba", "Łączna", "Zasiłki", "Żłobki"]);
    expect(matchesSearch("Zasiłek okresowy", "zasilek")).toBe(true);
    expect(matchesSearch("Asystenci rodziny", "rodziny asyst")).toBe(true);
    expect(matchesSearch("Asystenci rodziny", "przemoc")).toBe(false);
  });

  it("shows SQL cells as written: years and ids plain, amounts in Polish form, NULL as NULL", () => {
    expect(isIdentifierColumn("year")).toBe(true);
    expect(isIdentifierColumn("centre_id")).toBe(true);
    expect(isIdentifierColumn("families_assisted")).toBe(false);
    expect(cellText(2023, "year", "Int32")).toBe("2023");
    expect(cellText(2023, "rok", "Float64")).toBe("2023");
    expect(cellText(10309, "rodziny", "Float64").replace("\u00a0", " ")).toBe("10 309");
    expect(cellText(null, "value")).toBe("NULL");
    expect(cellText(["a", null], "flags")).toBe("[a, NULL]");
  });
});
