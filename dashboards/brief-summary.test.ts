import { describe, expect, it } from "vitest";
import { periodGroups, summaryLines } from "./components/brief-summary.ts";

describe("the brief's summary", () => {
  it("gives the norms' verdicts with their caveat, the warnings and what is missing", () => {
    const lines = summaryLines({
      norms: [
        { exceeds_norm: true, is_whole_year_count: true },
        { exceeds_norm: true, is_whole_year_count: false },
        { exceeds_norm: false },
        { exceeds_norm: null },
      ],
      warnings: 3,
      missing: 1,
      absent: ["Asystenci rodziny"],
    }).map((l) => l.replaceAll("\u00a0", " "));
    expect(lines[0]).toBe(
      "Normy zatrudnienia: 2 wyniki powyżej normy (w tym 1 z liczby rodzin w ciągu roku, nie jednocześnie — nie musi to oznaczać naruszenia ustawy), 1 w normie, 1 nie da się ocenić (brak jednej z liczb).",
    );
    expect(lines[1]).toContain("3 —");
    expect(lines[2]).toBe(
      "Braki w danych: 1 liczba bez wartości w dokumentach (to nie zera); 1 wskaźnik podawany przez inne miasta, którego tu brak.",
    );
  });

  it("says when there is nothing to check", () => {
    expect(summaryLines({ norms: [], warnings: 0, missing: 0, absent: [] })).toEqual([
      "Normy zatrudnienia: sprawozdania nie podają liczb potrzebnych do ich sprawdzenia.",
      "Sprzeczności i ostrzeżenia: brak.",
      "Braki w danych: brak.",
    ]);
  });

  it("splits the appendix's periods into printable tables, in order, none lost", () => {
    const periods = Array.from({ length: 18 }, (_, i) => String(2000 + i));
    const groups = periodGroups(periods);
    expect(groups.map((g) => g.length)).toEqual([8, 8, 2]);
    expect(groups.flat()).toEqual(periods);
    expect(periodGroups([])).toEqual([]);
  });
});
