import { describe, expect, it } from "vitest";
import { sentenceAround } from "./document.ts";
import {
  findMoney,
  findNumbersInProse,
  parseMoney,
  parseNumberWord,
  splitDigitGroups,
  splitLabelledRow,
} from "./numbers.ts";

describe("splitDigitGroups: thousands separated by spaces, split by column count", () => {
  it("reads four columns where groups after the first have three digits", () => {
    expect(splitDigitGroups("10 309 8 738 7 225 7 728", 4)).toEqual({
      kind: "ok",
      values: [10309, 8738, 7225, 7728],
      texts: ["10 309", "8 738", "7 225", "7 728"],
    });
  });
  it("reads 572 678 483 623 as four small numbers when there are four columns", () => {
    expect(splitDigitGroups("572 678 483 623", 4)).toMatchObject({
      kind: "ok",
      values: [572, 678, 483, 623],
    });
  });
  it("flags a split that fits two readings instead of guessing", () => {
    const r = splitDigitGroups("572 678 483", 2);
    expect(r.kind).toBe("ambiguous");
    if (r.kind === "ambiguous")
      expect(r.readings).toEqual([
        [572, 678483],
        [572678, 483],
      ]);
  });
  it("reads a two-column row: 11 trainings and 178 participants", () => {
    expect(splitDigitGroups("11 178", 2)).toMatchObject({ kind: "ok", values: [11, 178] });
  });
  it("reads 2 011 in one column as two thousand and eleven", () => {
    expect(splitDigitGroups("2 011", 1)).toMatchObject({ kind: "ok", values: [2011] });
  });
  it("has no reading when the column count cannot fit", () => {
    expect(splitDigitGroups("1 2", 3)).toEqual({ kind: "none" });
    expect(splitDigitGroups("12 34", 1)).toEqual({ kind: "none" });
  });
});

describe("splitLabelledRow: numbers inside labels stay in the label", () => {
  it("keeps 'w 2024 r.' in the label and takes 2 011 as the value", () => {
    expect(
      splitLabelledRow("Liczba godzin przeprowadzonych sesji terapeutycznych w 2024 r. 2 011 "),
    ).toMatchObject({
      label: "Liczba godzin przeprowadzonych sesji terapeutycznych w 2024 r.",
      numbers: "2 011",
    });
  });
  it("finds no value in a label that ends with a word", () => {
    expect(splitLabelledRow("Liczba asystentów rodziny").numbers).toBe("");
    expect(splitLabelledRow("Liczba asystentów rodziny").unparsed).toBe("");
  });
  it("reads no digit of a run with letters among the digits: the whole run is unparsed", () => {
    // "4 l51 … 3 1O5 3 449": the trailing "3 449" is not the row's values, and "4 l51" is not 4 and 51.
    expect(splitLabelledRow(" bezrobocie 4 l51 4 165 3 1O5 3 449 ")).toEqual({
      label: "bezrobocie",
      numbers: "",
      numbersAt: 12,
      unparsed: "4 l51 4 165 3 1O5 3 449",
    });
    expect(splitLabelledRow("Wsparcie asystenta 1O6")).toMatchObject({
      label: "Wsparcie asystenta",
      numbers: "",
      unparsed: "1O6",
    });
    expect(splitLabelledRow("Liczba asystentów rodziny w 2024 r. l6")).toMatchObject({
      label: "Liczba asystentów rodziny w 2024 r.",
      numbers: "",
      unparsed: "l6",
    });
  });
  it("keeps letters that are words, signs and years in the label", () => {
    expect(splitLabelledRow("wywiady środowiskowe dot. 500+ 14")).toMatchObject({
      label: "wywiady środowiskowe dot. 500+",
      numbers: "14",
      unparsed: "",
    });
    expect(splitLabelledRow("Grupa I 12")).toMatchObject({ label: "Grupa I", numbers: "12", unparsed: "" });
    expect(splitLabelledRow("ubóstwo 6 119 5 674 4 376 4 877 ")).toMatchObject({
      label: "ubóstwo",
      numbers: "6 119 5 674 4 376 4 877",
      numbersAt: 8,
      unparsed: "",
    });
  });
});

describe("money and number words", () => {
  it("reads a decimal comma and space thousands", () => {
    expect(parseMoney("256 194,94 zł")).toBe(256194.94);
    expect(findMoney("przekazano kwotę 256 194,94 zł oraz 1 200 zł.").map((m) => m.value)).toEqual([
      256194.94, 1200,
    ]);
  });
  it("reads number words in any grammatical case", () => {
    expect(
      ["czterech", "dwóch", "pięciu", "trzech", "jedną", "Dwie", "sześcioma"].map(parseNumberWord),
    ).toEqual([4, 2, 5, 3, 1, 2, 6]);
    expect(parseNumberWord("rodziny")).toBeNull();
  });
  it("finds figures in prose and skips years, dates and legal references", () => {
    const found = findNumbersInProse(
      "W 2025 r. zatrudniał czterech asystentów (Dz. U. 2024, poz. 1829), od 01.01.2023 r. objęli wsparciem 74 rodziny i udzielili 7 258 porad dot. 500+.",
    );
    expect(found.map((f) => f.value)).toEqual([4, 74, 7258]);
  });
  it("reads no part of a decimal amount or of a time as a figure", () => {
    const found = findNumbersInProse(
      "wypłacono 256 194,94 zł oraz 331,83 zł dla 1 osoby o godzinie 12:00, a 1 234,5 kg to nie liczba osób.",
    );
    expect(found.map((f) => f.value)).toEqual([1]);
  });
});

describe("findNumbersInProse: dates with month names, ranges of years, legal lists, collective numerals", () => {
  it("skips the day and year of a written date and the end of a range of years", () => {
    const found = findNumbersInProse(
      "ustawa z dnia 9 czerwca 2011 r., w październiku 2023 asystenci, na lata 2022 – 2030 oraz 2019-2022; objęto 12 rodzin.",
    );
    expect(found.map((f) => f.value)).toEqual([12]);
  });
  it("skips every item of a legal reference list", () => {
    const found = findNumbersInProse("zadania, o których mowa w art. 8 ust. 2 i 3 ustawy, dla 5 rodzin");
    expect(found.map((f) => f.value)).toEqual([5]);
  });
  it("reads collective numerals used for children", () => {
    expect(["troje", "pięciorga", "dwojgu", "dwanaścioro"].map(parseNumberWord)).toEqual([3, 5, 2, 12]);
  });
});

describe("sentenceAround", () => {
  it("does not end a sentence at an abbreviation like 'r.'", () => {
    const line = "Wstęp. W 2025 r. objęli wsparciem 74 rodziny. Koniec.";
    const at = line.indexOf("74");
    expect(sentenceAround(line, at)).toBe("W 2025 r. objęli wsparciem 74 rodziny.");
  });
});
