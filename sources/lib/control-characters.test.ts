import { describe, expect, it } from "vitest";
import {
  controlCharacterWarnings,
  hasControlCharacters,
  removeControlCharacters,
} from "./control-characters.ts";

describe("control characters are taken out of a report's text", () => {
  it("removes a NUL inserted into a number, so the number is the one written", () => {
    const r = removeControlCharacters("wizyty asystentów 1\u0000 189\nkarty rozpoznania 4\u000091\n");
    expect(r.text).toBe("wizyty asystentów 1 189\nkarty rozpoznania 491\n");
    expect(r.removed).toEqual(new Map([["NUL", 2]]));
    expect(r.lines).toEqual([1, 2]);
  });

  it("removes a terminal escape sequence whole, not only its ESC", () => {
    const line = "\u001b[1;31mWsparcie psychologa\u001b[0m 42\u001b]0;tytuł okna\u0007 \u001b=\u001b(B.";
    const r = removeControlCharacters(line);
    expect(r.text).toBe("Wsparcie psychologa 42 .");
    expect(r.removed).toEqual(new Map([["terminal escape sequence", 5]]));
    expect(hasControlCharacters(r.text)).toBe(false);
  });

  it("takes a lone ESC alone: the digit after it stays", () => {
    expect(removeControlCharacters("1\u001b189 i \u001b7 i \u001bWsparcie i 1\u001b[189").text).toBe(
      "1189 i 7 i Wsparcie i 1[189",
    );
  });

  it("removes C1 controls, DEL, other C0 and bidirectional overrides; keeps tabs and line ends", () => {
    const r = removeControlCharacters("a\u0085b\u007fc\u0007d\u202e123\u202c\te\r\nf\rg\u000ch");
    expect(r.text).toBe("abcd123\te\r\nf\rgh");
    expect(hasControlCharacters(r.text)).toBe(false);
    expect([...r.removed.keys()].sort()).toEqual([
      "C1 control character",
      "DEL",
      "bidirectional-text control",
      "form feed / vertical tab",
      "other C0 control character",
    ]);
  });

  it("counts lines as the extractor does (\\r\\n, \\n and \\r each end one)", () => {
    const r = removeControlCharacters("a\r\nb\nc\rd\u0000\r\ne\u0001");
    expect(r.lines).toEqual([4, 5]);
    expect(r.text.split(/\r\n|\n|\r/)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("tells whether a text holds any", () => {
    expect(hasControlCharacters("1 189\t„cytat”\r\n")).toBe(false);
    for (const c of ["\u0000", "\u001b", "\u0085", "\u007f", "\u202e", "\u000c"])
      expect(hasControlCharacters(`1${c}189`), JSON.stringify(c)).toBe(true);
  });

  it("gives a text without them back as it is, with no warning", () => {
    const text = "Rodziny objęte pomocą\t1 234\r\n„cytat” – ąęł €\n";
    const r = removeControlCharacters(text);
    expect(r.text).toBe(text);
    expect(controlCharacterWarnings(r)).toEqual([]);
  });

  it("warns with what was removed and the lines to check", () => {
    const warnings = controlCharacterWarnings(removeControlCharacters("1\u00002\n\n3\u0000\u001b[0m4"));
    expect(warnings).toEqual([
      "Usunięto znaki sterujące z wierszy 1, 3: porównaj liczby w tych wierszach z oryginałem — removed control characters (2 × NUL, 1 × terminal escape sequence) from lines 1, 3; check the figures on those lines against the original",
    ]);
  });

  it("keeps a replacement character (a lost letter stays visible) but warns where it is", () => {
    const r = removeControlCharacters("Spo\ufffdeczna\nrodzina");
    expect(r.text).toBe("Spo\ufffdeczna\nrodzina");
    expect(controlCharacterWarnings(r)).toEqual([
      "Przy konwersji utracono literę (znak �): porównaj z oryginałem — a letter was lost in a conversion (replacement character �) on line 1",
    ]);
  });
});
