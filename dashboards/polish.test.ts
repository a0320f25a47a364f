// Polish for what the data carries in English or as codes.
import { describe, expect, it } from "vitest";
import { messagePl, notePl, polishNumbers, vocabularyLabel } from "./components/polish.ts";

describe("Polish text for notes, messages and codes", () => {
  it("translates the extractors' English notes and hides unknown English ones", () => {
    expect(notePl("no year in the sentence; the paragraph speaks of 2025")).toBe(
      "w zdaniu nie ma roku; akapit dotyczy roku 2025",
    );
    expect(notePl("„w bieżącym roku” read as the year of the report (2025)")).toBe(
      "„w bieżącym roku” odczytano jako rok sprawozdania (2025)",
    );
    expect(notePl("some unknown note in English about the year")).toBeNull();
    expect(notePl("Szkolenie w latach 2000–2001; przypisano do roku 2001.")).toBe(
      "Szkolenie w latach 2000–2001; przypisano do roku 2001.",
    );
  });

  it("writes SQL numbers in Polish form, leaving dates alone", () => {
    expect(polishNumbers("(13737.0) / 12.5 od 01.01.2023 r.")).toBe("(13\u00a0737) / 12,5 od 01.01.2023 r.");
    expect(messagePl("Ta sama wielkość ma w dokumentach różne wartości: 12.0 / 14.0.")).toBe(
      "Ta sama wielkość ma w dokumentach różne wartości: 12 / 14.",
    );
  });

  it("names breakdown vocabularies in Polish", () => {
    expect(vocabularyLabel("reason")).toBe("powód przyznania pomocy");
    expect(vocabularyLabel(null)).toBe("");
  });
});
