import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeExport, exportNumber, readExport } from "./csv-export.ts";
import { registerOf, terytOfUnit, type Unit } from "./responses.ts";

const FIXTURES = fileURLToPath(new URL("../../tests/fixtures/bdl/", import.meta.url));
const fixture = (name: string) => decodeExport(readFileSync(join(FIXTURES, name)));

describe("a CSV export of the BDL website", () => {
  it("reads one header row of quoted 'dimension;year;[unit]' cells, gminas only, missing kept missing", () => {
    const { values, skippedRows, missing } = readExport(fixture("ludnosc-2019-2024.csv"), "ludnosc.csv");
    // The voivodeship row (gmina part 00) is skipped; Bolesławiec's 2024 "-" is missing, not zero.
    expect(skippedRows).toBe(1);
    expect(missing).toBe(1);
    expect(values.find((v) => v.teryt === "0264011" && v.year === 2023)).toEqual({
      teryt: "0264011",
      name: "Wrocław",
      year: 2023,
      value: 673923,
      column: "ogółem;2023;[osoba]",
    });
    expect(values.filter((v) => v.teryt === "0201011").map((v) => v.year)).toEqual([
      2019, 2020, 2021, 2022, 2023,
    ]);
    expect(new Set(values.map((v) => v.teryt))).toEqual(
      new Set(["0264011", "2469011", "2468011", "1603011", "0201011"]),
    );
  });

  it("reads three header rows in Windows-1250, taking the 'ogółem' column of each year and ignoring Atrybut", () => {
    const { values } = readExport(fixture("ludnosc-plec-3-wiersze.csv"), "plec.csv");
    expect(values.map((v) => [v.teryt, v.year, v.value])).toEqual([
      ["0264011", 2023, 673923],
      ["0264011", 2024, 672929],
      ["2469011", 2023, 282815],
      ["2469011", 2024, 279190],
    ]);
    expect(values[0]?.column).toBe("ogółem | 2023 | [osoba]");
  });

  it("reads the website's numbers: spaces, non-breaking spaces, a decimal comma; '-' and empty are missing", () => {
    expect(exportNumber("642 869")).toBe(642869);
    expect(exportNumber("1\u00a0234,5")).toBe(1234.5);
    expect(exportNumber("-")).toBeNull();
    expect(exportNumber("")).toBeNull();
    expect(exportNumber("12a")).toBeNaN();
  });

  it("rejects another layout, naming the file and the reason", () => {
    expect(() => readExport("TERYT,Nazwa,2023\n0264011,Wrocław,1\n", "inny.csv")).toThrow(
      /^inny\.csv: to nie jest eksport CSV z BDL: pierwszy wiersz ma zaczynać się od kolumn "Kod;Nazwa"/,
    );
    expect(() => readExport("Kod;Nazwa;ogółem\n0264011;Wrocław;1\n", "bez-roku.csv")).toThrow(
      /bez-roku\.csv: kolumna 3 \(„ogółem”\) nie podaje roku/,
    );
    expect(() =>
      readExport("Kod;Nazwa;mężczyźni 2023;kobiety 2023\n0264011;Wrocław;1;2\n", "plec.csv"),
    ).toThrow(/plec\.csv: rok 2023 ma 2 kolumn .* żadna nie jest jedyną kolumną „ogółem”/);
    expect(() => readExport("Kod;Nazwa;2023\n0264011;Wrocław;dużo\n", "tekst.csv")).toThrow(
      /tekst\.csv: wiersz 2, kolumna 3: „dużo” nie jest liczbą/,
    );
    expect(() => readExport("Kod;Nazwa;2023\n0264011;Wrocław;1\n0264011;Wrocław;2\n", "dwa.csv")).toThrow(
      /kod 0264011 występuje dwa razy/,
    );
  });
});

describe("BDL units and TERYT codes", () => {
  const unit = (id: string, kind?: string, level = 6): Unit => ({ id, name: "x", level, kind });

  it("takes the TERC code from the voivodeship, powiat, gmina and kind parts of the 12-digit id", () => {
    expect(terytOfUnit(unit("030210564011", "1"))).toBe("0264011");
    expect(terytOfUnit(unit("031612003011"))).toBe("1603011");
    // Not a gmina: no TERYT.
    expect(terytOfUnit(unit("030210564000", undefined, 5))).toBeNull();
  });

  it("refuses an id whose kind digit is not the unit's kind, and two units of one TERYT", () => {
    expect(() => terytOfUnit(unit("030210101042", "3"))).toThrow(/rodzaj 3 nie zgadza się z identyfikatorem/);
    expect(() => registerOf([unit("022412769011", "1"), unit("022412869011", "1")])).toThrow(
      /dwie jednostki BDL o tym samym kodzie TERYT 2469011/,
    );
  });
});
