/** A document's text with helpers to cite it: every figure points back to a line and a quote. */
export class SourceText {
  readonly lines: readonly string[];

  constructor(readonly text: string) {
    this.lines = text.split(/\r\n|\n|\r/);
  }

  /** 1-based line number → text of that line. */
  line(lineNo: number): string {
    const l = this.lines[lineNo - 1];
    if (l === undefined)
      throw new Error(`line ${lineNo} is outside the document (${this.lines.length} lines)`);
    return l;
  }

  /** 1-based numbers of lines matching a pattern, in order. */
  findLines(pattern: RegExp, from = 1, to = this.lines.length): number[] {
    const out: number[] = [];
    for (let n = from; n <= Math.min(to, this.lines.length); n++) {
      if (pattern.test(this.line(n))) out.push(n);
    }
    return out;
  }

  /** The first line at or after `from` matching a pattern, or null. */
  findLine(pattern: RegExp, from = 1, to = this.lines.length): number | null {
    return this.findLines(pattern, from, to)[0] ?? null;
  }

  /** Non-blank lines from `from` on, as [lineNo, text] pairs (tables break over blank lines). */
  *nonBlankLines(from = 1, to = this.lines.length): Generator<[number, string]> {
    for (let n = from; n <= Math.min(to, this.lines.length); n++) {
      const t = this.line(n);
      if (t.trim() !== "") yield [n, t];
    }
  }
}

/** Polish text normalised for matching labels: lower case, single spaces, no diacritics. */
export function normaliseLabel(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/ł/g, "l")
    .replace(/[\u2010-\u2015-]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The sentence around a position in a line: the quote a committee member is shown.
 * Sentences end at '.', '!', '?' or ';' followed by a space and a capital letter or digit.
 * "r." (rok) and "ul." and similar abbreviations do not end a sentence.
 */
export function sentenceAround(line: string, start: number, end = start): string {
  const enders = /[.!?;](?=\s+[A-ZĄĆĘŁŃÓŚŹŻ„"])/g;
  let from = 0;
  let to = line.length;
  for (const m of line.matchAll(enders)) {
    const i = m.index;
    const before = line.slice(Math.max(0, i - 4), i + 1);
    if (/\b(r|ul|nr|poz|ust|art|tj|m\.in|ww|tut|dot|pkt|godz|ok|zł|tzw|np|pn)\.$/i.test(before)) continue;
    if (i < start) from = i + 1;
    else if (i >= end) {
      to = i + 1;
      break;
    }
  }
  return line.slice(from, to).trim();
}

/** A literal string inside a regular expression (a city's name in a signature line). */
export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
