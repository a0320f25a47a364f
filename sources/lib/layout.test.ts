import { describe, expect, it } from "vitest";
import { SourceText } from "./document.ts";
import {
  cellsWithGaps,
  furnitureOf,
  isNoteLine,
  runningLines,
  stripFootnoteMarks,
  withoutTrailingChange,
} from "./layout.ts";
import { isPageFurniture, isSectionHeading } from "./period-tables.ts";

describe("page furniture: page numbers and running headers and footers", () => {
  it("knows page number lines and footers that end in a page number, in the forms reports use", () => {
    for (const line of [
      "Strona 2 z 3",
      "strona 2",
      "- 3 -",
      "— 1 —",
      "2/3",
      "MOPS Katowice · Komisja Zdrowia · s. 1/2",
      "Ocena zasobów pomocy społecznej – Jaworzno 2027 | strona 1 z 2",
      "Informacja MOPS Jaworzno za 2026 r. – str. 1",
    ]) {
      expect(isPageFurniture(line), line).toBe(true);
    }
    for (const line of [
      "Liczba asystentów rodziny w 2029 r. 20",
      "Szkolenia płatne w 2029 r. 14 188",
      "2 011",
    ]) {
      expect(isPageFurniture(line), line).toBe(false);
    }
  });

  it("takes a line written on every page, with no number but years, as a running header", () => {
    const doc = new SourceText(
      [
        "MOPS Katowice – Informacja za 2030 r.",
        "Liczba asystentów rodziny 22",
        "Asysta rodzinna",
        "MOPS Katowice – Informacja za 2030 r.",
        "Liczba asystentów rodziny 22",
        "Asysta rodzinna",
        "rodziny",
        "rodziny",
        "Liczba szkoleń Liczba uczestników",
        "Liczba szkoleń Liczba uczestników",
      ].join("\n"),
    );
    // A row written twice is the same figure twice, not furniture; nor a wrapped label or a column header.
    expect([...runningLines(doc)].sort()).toEqual([
      "asysta rodzinna",
      "mops katowice - informacja za 2030 r.",
    ]);
    const furniture = furnitureOf(doc);
    expect(furniture("MOPS Katowice – Informacja za 2030 r.")).toBe(true);
    expect(furniture("Strona 4")).toBe(true);
    expect(furniture("Liczba asystentów rodziny 22")).toBe(false);
  });
});

describe("running lines with a case number (found by the fourth round of variants)", () => {
  it("takes a repeated header ending in a case number as furniture, and a repeated row as no furniture", () => {
    const doc = new SourceText(
      [
        "MOPS Katowice – odpowiedź na interpelację 412/2031",
        "Ubóstwo 4 811",
        "MOPS Katowice – odpowiedź na interpelację 412/2031",
        "Ubóstwo 4 811",
      ].join("\n"),
    );
    expect([...runningLines(doc)]).toEqual(["mops katowice - odpowiedz na interpelacje 412/2031"]);
  });
});

describe("section headings of an answer point by point (found by the fourth round of variants)", () => {
  it("knows „Ad 3. Kadra” as a heading, and no row as one", () => {
    for (const line of [
      "Ad 3. Kadra",
      "Ad 1 Procedura „Niebieskie Karty”",
      "II. Diagnoza sytuacji rodzin",
      "Rozdział 4",
    ])
      expect(isSectionHeading(line), line).toBe(true);
    for (const line of ["ubóstwo 4 603 3 502 4 455", "Praca socjalna  3 544 2 870 3 498", "adaptacja 12"])
      expect(isSectionHeading(line), line).toBe(false);
  });
});

describe("notes, footnote marks, dashes and change columns", () => {
  it("knows a note under a table from a row", () => {
    for (const line of [
      "* dane szacunkowe",
      "** dane wstępne",
      "Źródło: dane Działu Świadczeń.",
      "Uwaga: bez rodzin zastępczych",
    ])
      expect(isNoteLine(line), line).toBe(true);
    for (const line of ["rodziny objęte monitoringiem 15", "Liczba asystentów rodziny 20", "Ubóstwo 4 811"])
      expect(isNoteLine(line), line).toBe(false);
  });

  it("takes a footnote mark off a label or a value, and says it was there", () => {
    expect(stripFootnoteMarks("rodziny objęte monitoringiem* 12 15")).toEqual({
      text: "rodziny objęte monitoringiem 12 15",
      marked: true,
    });
    expect(stripFootnoteMarks("Liczba osób w terapii 141*")).toEqual({
      text: "Liczba osób w terapii 141",
      marked: true,
    });
    expect(stripFootnoteMarks("Liczba osób 141")).toEqual({ text: "Liczba osób 141", marked: false });
  });

  it("reads a dash or „b.d.” as a missing value in its own column, never a zero and never a shift", () => {
    expect(cellsWithGaps("rodziny dzieci w pieczy zastępczej 5 –", 2)).toEqual({
      label: "rodziny dzieci w pieczy zastępczej",
      cells: [5, null],
      dashes: ["–"],
    });
    expect(cellsWithGaps("wizyty – 1 256", 2)?.cells).toEqual([null, 1256]);
    expect(cellsWithGaps("opinie b.d.", 1)?.cells).toEqual([null]);
    // No dash: not this helper's row; digit groups that fit two splits: nothing is guessed.
    expect(cellsWithGaps("wizyty 1 256", 1)).toBeNull();
    expect(cellsWithGaps("wizyty – 1 256 310", 3)).toBeNull();
  });

  it("takes the change against the previous year off a row's end", () => {
    expect(withoutTrailingChange("rodziny zagrożone 24 27 +12,5%")).toBe("rodziny zagrożone 24 27");
    expect(withoutTrailingChange("Liczba asystentów 20 22 -3")).toBe("Liczba asystentów 20 22");
    expect(withoutTrailingChange("wizyty 1 189 1 256 5,6 %")).toBe("wizyty 1 189 1 256");
  });
});
