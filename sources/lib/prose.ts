/**
 * Reading figures from running text: the prose rules of any reader (Jaworzno's programme report, Kędzierzyn-Koźle's
 * family-assistant information, …). Nothing in it is specific to a city.
 *
 * A document's prose is joined into one string (a "flow") in which every run of whitespace and every line end
 * is one space, so a sentence wrapped over lines reads as one. Each character keeps its place in the document,
 * so a figure found in the flow still points at its line and at the exact text of that line.
 */
import { matchBreakdown } from "./catalogue.ts";

export { polishDate } from "./dates.ts";

import { normaliseLabel, type SourceText, sentenceAround } from "./document.ts";
import { type FoundNumber, findMoney, findNumbersInProse } from "./numbers.ts";
import type { ExtractedObservation, Flag } from "./observation.ts";

export class Flow {
  readonly text: string;
  private readonly lineAt: number[] = [];
  private readonly colAt: number[] = [];

  /**
   * Lines for which `include` is false (tables, headers) become one "\n" that no pattern crosses. Lines for
   * which `vanish` is true (a page's footer inside a sentence split over two pages) are left out with no
   * break: the sentence reads on.
   */
  constructor(
    readonly doc: SourceText,
    include: (lineNo: number) => boolean = () => true,
    vanish: (lineNo: number) => boolean = () => false,
  ) {
    const chars: string[] = [];
    const push = (ch: string, line: number, col: number) => {
      chars.push(ch);
      this.lineAt.push(line);
      this.colAt.push(col);
    };
    const last = () => chars[chars.length - 1];
    for (let n = 1; n <= doc.lines.length; n++) {
      if (vanish(n)) continue;
      if (!include(n)) {
        if (last() !== undefined && last() !== "\n") push("\n", n, 0);
        continue;
      }
      const l = doc.line(n);
      for (let c = 0; c < l.length; c++) {
        const ch = l.charAt(c);
        if (/\s/.test(ch)) {
          if (last() !== undefined && last() !== " " && last() !== "\n") push(" ", n, c);
        } else push(ch, n, c);
      }
      if (last() !== undefined && last() !== " " && last() !== "\n") push(" ", n, l.length);
    }
    this.text = chars.join("");
  }

  /** Where a span [start, end) of the flow stands in the document, or null when it crosses a line end. */
  place(start: number, end: number): { line: number; from: number; to: number } | null {
    const line = this.lineAt[start];
    const from = this.colAt[start];
    const lastCol = this.colAt[end - 1];
    if (line === undefined || from === undefined || lastCol === undefined) return null;
    if (this.lineAt[end - 1] !== line) return null;
    return { line, from, to: lastCol + 1 };
  }
}

/** A figure a rule reads: the named group holding the number, and what it measures. */
export interface ProseFigure {
  group: string;
  metric: string;
  breakdown?: string | null;
  /**
   * The breakdown matched in `vocabulary` from the text of the named `group` or, without a group, from the
   * name of the last programme or project named before the figure (an id made from the name when the
   * vocabulary does not know it).
   */
  breakdownOf?: { vocabulary: string; group?: string };
  flags?: Flag[];
  note?: string;
}

/**
 * A pattern over the flow (single spaces, flags `dgiu` added) in which `#{name}` stands for a number in
 * digits or words and `#{name:zł}` for an amount of money. A number the library does not take for a figure
 * (a year, a date, a legal reference) is never read, whatever the pattern says.
 */
export interface ProseRule {
  pattern: string;
  figures: ProseFigure[];
  /** The last programme or project named in quotes („…”) before the figure must match this. */
  programme?: RegExp;
}

/** A figure read from prose, with its place and the sentence it stands in. */
export interface ProseHit {
  metric: string;
  breakdown: string | null;
  value: number;
  /** The number as written on its line ("7 258", "czterech", "256 194,94 zł"). */
  text: string;
  line: number;
  quote: string;
  label: string;
  flags: Flag[];
  note: string | null;
}

/** A number of the prose that no rule read: the extractor's list of figures it deliberately skips. */
export interface UnreadNumber {
  line: number;
  text: string;
  context: string;
}

const NUMBER = String.raw`\d{1,3}(?: \d{3})+|\d+|\p{L}+`;
const MONEY = String.raw`(?:\d{1,3}(?: \d{3})+|\d+)(?:,\d{1,2})? ?(?:zł|PLN)`;
const PROGRAMME_NAME = /(?:program\p{L}*|projekt\p{L}*)[^„\n]{0,100}?(?:„|,,)([^”’"\n]{3,120}?)(?:”|’’|")/giu;

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

function compile(pattern: string): RegExp {
  return new RegExp(
    pattern.replace(/#\{(\w+)(:zł)?\}/g, (_, name: string, money?: string) =>
      money ? `(?<${name}>${MONEY})` : `(?<${name}>${NUMBER})`,
    ),
    "dgiu",
  );
}

/** Read every figure the rules describe; numbers no rule reads are returned as `unread`. */
export function readProse(
  flow: Flow,
  rules: readonly ProseRule[],
): { hits: ProseHit[]; unread: UnreadNumber[] } {
  const numbers = new Map<number, FoundNumber>(findNumbersInProse(flow.text).map((f) => [f.index, f]));
  const amounts = new Map(findMoney(flow.text).map((f) => [f.index, f]));
  const programmes = [...flow.text.matchAll(PROGRAMME_NAME)].map((m) => ({ at: m.index, name: m[1] ?? "" }));
  const claimed = new Set<number>();
  const hits: ProseHit[] = [];

  for (const rule of rules) {
    for (const m of flow.text.matchAll(compile(rule.pattern))) {
      const programme = programmes.filter((p) => p.at < m.index).at(-1)?.name;
      if (rule.programme && (programme === undefined || !rule.programme.test(programme))) continue;
      for (const figure of rule.figures) {
        const span = m.indices?.groups?.[figure.group];
        const written = m.groups?.[figure.group];
        if (!span || written === undefined || claimed.has(span[0])) continue;
        const amount = amounts.get(span[0]);
        const found = numbers.get(span[0]);
        const isMoney = rule.pattern.includes(`#{${figure.group}:zł}`);
        const value = isMoney ? amount?.value : found?.text === written ? found.value : undefined;
        if (value === undefined) continue;
        const place = flow.place(span[0], span[1]);
        if (!place) continue;
        const lineText = flow.doc.line(place.line);
        const isWord = !isMoney && found?.isWord === true;
        let breakdown = figure.breakdown ?? null;
        const notes = figure.note ? [figure.note] : [];
        if (figure.breakdownOf) {
          const { vocabulary, group } = figure.breakdownOf;
          const name = collapse(group ? (m.groups?.[group] ?? "") : (programme ?? ""));
          if (name === "") continue;
          breakdown = matchBreakdown(vocabulary, name);
          if (breakdown === null) {
            breakdown = breakdownFromLabel(name);
            notes.push(
              `„${name}” nie ma w słowniku „${vocabulary}”; identyfikator podziału utworzono z nazwy.`,
            );
          }
        }
        claimed.add(span[0]);
        hits.push({
          metric: figure.metric,
          breakdown,
          value,
          text: lineText.slice(place.from, place.to),
          line: place.line,
          quote: sentenceAround(lineText, place.from, place.to),
          label: m[0].trim(),
          flags: [...(figure.flags ?? []), ...(isWord ? (["number_word"] as const) : [])],
          note: notes.join(" ") || null,
        });
      }
    }
  }

  const inAmount = (i: number) =>
    [...amounts.values()].some((a) => claimed.has(a.index) && i >= a.index && i < a.index + a.text.length);
  const unread: UnreadNumber[] = [];
  for (const f of numbers.values()) {
    if (claimed.has(f.index) || inAmount(f.index)) continue;
    const place = flow.place(f.index, f.index + f.text.length);
    if (!place) continue;
    const context = flow.text.slice(Math.max(0, f.index - 40), f.index + f.text.length + 30).trim();
    unread.push({ line: place.line, text: f.text, context });
  }
  return { hits, unread };
}

/**
 * Flag every figure that the same document states with another value (same metric, breakdown, period and
 * date), naming the other figure in the note; both values are kept as written.
 */
export function flagContradictions(observations: ExtractedObservation[]): ExtractedObservation[] {
  const key = (o: ExtractedObservation) =>
    [o.metric_id, o.breakdown ?? "", o.period_id, o.as_of_date ?? ""].join("|");
  const groups = new Map<string, ExtractedObservation[]>();
  for (const o of observations) {
    if (o.value === null) continue;
    groups.set(key(o), [...(groups.get(key(o)) ?? []), o]);
  }
  return observations.map((o) => {
    const others = (groups.get(key(o)) ?? []).filter((x) => x.value !== o.value);
    if (o.value === null || others.length === 0) return o;
    const named = others.map((x) => `${polishNumber(x.value)} (wiersz ${x.line}: „${x.label}”)`).join("; ");
    const note = `Ten sam dokument podaje dla tej wielkości także ${named}; zachowano obie wartości tak, jak je zapisano.`;
    return {
      ...o,
      flags: o.flags.includes("contradiction") ? o.flags : [...o.flags, "contradiction"],
      note: o.note ? `${o.note} ${note}` : note,
    };
  });
}

/** 1189 → "1189", 7258.5 → "7258,5": a value as a Polish reader writes it in a note. */
function polishNumber(v: number | null): string {
  return v === null ? "brak" : String(v).replace(".", ",");
}

/**
 * A breakdown id made from a row label the vocabulary does not know ("Klub Integracji Społecznej" →
 * klub_integracji_spolecznej), so an extra row is kept rather than dropped; the build warns about it
 * (breakdown_in_vocabulary) until the vocabulary gets the row.
 */
export function breakdownFromLabel(label: string): string {
  const slug = normaliseLabel(label)
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 48)
    .replace(/_+$/, "");
  return /^[a-z]/.test(slug) ? slug : `row_${slug || "unnamed"}`;
}
