import { matchBreakdown, metricCatalogue, unitOf } from "../lib/catalogue.ts";
import type { CentreRecord } from "../lib/centres.ts";
import { findDateInWords, isoDate, lastDayOfMonth, monthNumber } from "../lib/dates.ts";
import { escapeRegExp, normaliseLabel, type SourceText, sentenceAround } from "../lib/document.ts";
import type { Extractor } from "../lib/extractor.ts";
import { oneFigurePerPlace } from "../lib/grain.ts";
import { findMoney, findNumbersInProse } from "../lib/numbers.ts";
import type { ExtractedObservation, Flag, Recognition } from "../lib/observation.ts";
import { FlatText, oneLine, yearPhrases } from "./common.ts";

/**
 * Katowice: information on the social activation of refugees (prose, one paragraph per form of
 * support). Every figure stands in a sentence; its meaning comes from the paragraph's topic (the
 * social integration centres, temporary guardianship, foster care, day-support facilities,
 * individual integration programmes, crisis intervention) and from the word after the number.
 */

const KIND = "aktywizacja-uchodzcow";

/** What a number counts, from the word after it (or money). */
type Measure = "persons" | "adults" | "children" | "families" | "guardians" | "programmes" | "amount";

interface Figure {
  value: number;
  /** As written, e.g. "256 194,94 zł", "30", "dwóch". */
  text: string;
  /** Offset in the sentence. */
  index: number;
  isWord: boolean;
  measure: Measure;
  inParentheses: boolean;
}

interface Context {
  sentence: string;
  figure: Figure;
  /** The sentence before the figure, normalised. */
  before: string;
  /** The words after the figure up to the next figure ("30 uchodźców, w tym …"). */
  after: string;
}

interface Topic {
  id: string;
  match: RegExp;
  /** A topic of one sentence only: it does not carry over to the next sentences of the paragraph. */
  sentenceOnly?: boolean;
  metric(c: Context): { metric: string; breakdown: string | null } | null;
}

/** Refugees, persons from Ukraine, …: said after the number ("12 osobom z Ukrainy"), else in the sentence. */
const group = (c: Context) =>
  matchBreakdown("population_group", c.after) ?? matchBreakdown("population_group", c.sentence);

/** Which of two kinds of words stands last before a figure (the clause it belongs to). */
function lastOf(text: string, a: RegExp, b: RegExp): "a" | "b" | null {
  const last = (re: RegExp) => Math.max(-1, ...[...text.matchAll(new RegExp(re, "g"))].map((m) => m.index));
  const ia = last(a);
  const ib = last(b);
  if (ia < 0 && ib < 0) return null;
  return ia > ib ? "a" : "b";
}

const TOPICS: Topic[] = [
  {
    id: "foster_training",
    match: /przeszkolon\p{L}* (na|jako) (kandydat\p{L}* na )?rodzin\p{L}* zastepcz/u,
    sentenceOnly: true,
    metric: (c) =>
      c.figure.measure === "persons"
        ? { metric: "foster_care_candidates_trained", breakdown: group(c) }
        : c.figure.measure === "families"
          ? { metric: "foster_care_candidate_families_trained", breakdown: group(c) }
          : null,
  },
  {
    id: "temporary_guardianship",
    match: /opie?k\p{L}* tymczasow/u,
    metric: (c) =>
      c.figure.measure === "guardians"
        ? { metric: "temporary_guardians", breakdown: null }
        : c.figure.measure === "children"
          ? { metric: "children_in_temporary_guardianship", breakdown: null }
          : null,
  },
  {
    id: "foster_development",
    match: /rodzinnych form pieczy zastepczej/u,
    metric: (c) => {
      const m = "foster_care_development_participants";
      if (c.figure.measure === "persons" && !c.figure.inParentheses) return { metric: m, breakdown: null };
      if (c.figure.measure === "adults") return { metric: m, breakdown: "adults" };
      if (c.figure.measure === "children" && c.figure.inParentheses)
        return { metric: m, breakdown: "children" };
      return null;
    },
  },
  {
    id: "social_integration_centres",
    match: /centr\p{L}* integracji spolecznej/u,
    metric: (c) =>
      c.figure.measure === "persons"
        ? { metric: "social_integration_centre_participants", breakdown: group(c) }
        : null,
  },
  {
    id: "day_support",
    match: /swietlic|klub\p{L}* mlodziezow|placow\p{L}* wsparcia dziennego/u,
    metric: (c) =>
      c.figure.measure === "children"
        ? { metric: "day_support_children", breakdown: group(c) }
        : c.figure.measure === "families"
          ? { metric: "day_support_families", breakdown: group(c) }
          : null,
  },
  {
    id: "integration_programmes",
    match: /program\p{L}* integracji/u,
    metric: (c) => {
      const insurance = /skladk|ubezpieczen/u;
      const cash = /pomoc\p{L}* pieniezn|wyplacon/u;
      if (c.figure.measure === "programmes") return { metric: "integration_programmes", breakdown: null };
      const clause = lastOf(c.before, insurance, cash);
      if (c.figure.measure === "amount" && clause === "a")
        return { metric: "integration_health_insurance_amount", breakdown: null };
      if (c.figure.measure === "amount" && clause === "b")
        return { metric: "integration_cash_assistance_amount", breakdown: null };
      if (c.figure.measure === "persons" && clause === "a")
        return { metric: "integration_health_insurance_persons", breakdown: null };
      return null;
    },
  },
  {
    id: "crisis_intervention",
    match: /interwencji kryzysowej/u,
    metric: (c) =>
      c.figure.measure === "persons" ? { metric: "crisis_intervention_persons", breakdown: group(c) } : null,
  },
];

/** The measure of a number from the words after it; null for a number that counts nothing we know. */
function measureOf(after: string): Measure | null {
  const a = normaliseLabel(after);
  if (/^(osob|os\.)\p{L}* doros/u.test(a)) return "adults";
  if (/^(osob|osoby|osobom|osobach|uczestnik|uchodzc|cudzoziem|klient|mieszkanc)/u.test(a)) return "persons";
  if (/^rodzin/u.test(a)) return "families";
  if (/^(dzieci|dziec|malolet|wychowank)/u.test(a)) return "children";
  if (/^opiekun/u.test(a)) return "guardians";
  if (/^(indywidualn\p{L}* )?program/u.test(a)) return "programmes";
  return null;
}

/** The figures of a sentence: money, then numbers (not years, dates, legal references, frequencies). */
function figuresOf(sentence: string, startsLine: (i: number) => boolean): Figure[] {
  const money = findMoney(sentence);
  const inMoney = (i: number) => money.some((m) => i >= m.index && i < m.index + m.text.length);
  const inParentheses = (i: number) => {
    const before = sentence.slice(0, i);
    return (before.match(/\(/g)?.length ?? 0) > (before.match(/\)/g)?.length ?? 0);
  };
  const out: Figure[] = money.map((m) => ({
    value: m.value,
    text: m.text,
    index: m.index,
    isWord: false,
    measure: "amount" as const,
    inParentheses: inParentheses(m.index),
  }));
  for (const f of findNumbersInProse(sentence)) {
    if (inMoney(f.index)) continue;
    const end = f.index + f.text.length;
    const after = sentence.slice(end, end + 50);
    if (!f.isWord && startsLine(f.index) && after.startsWith(".")) continue; // "1." numbering
    if (/(?<!\p{L})co\s*$/iu.test(sentence.slice(Math.max(0, f.index - 6), f.index))) continue; // "co 6 miesięcy"
    if (/^\s*-?\s*(godzinn|dniow|tygodniow|miesieczn|roczn|letni)/u.test(normaliseLabel(after))) continue; // "10 godzinne"
    const measure = measureOf(after);
    if (measure)
      out.push({
        value: f.value,
        text: f.text,
        index: f.index,
        isWord: f.isWord,
        measure,
        inParentheses: inParentheses(f.index),
      });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Sentences of a text as [start, end) offsets, cut where sentenceAround cuts them. */
function sentences(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let pos = 0;
  while (pos < text.length) {
    while (pos < text.length && /\s/.test(text.charAt(pos))) pos++;
    if (pos >= text.length) break;
    const s = sentenceAround(text, pos);
    if (s === "" || text.indexOf(s, pos) !== pos) {
      pos++;
      continue;
    }
    out.push({ start: pos, end: pos + s.length });
    pos += s.length;
  }
  return out;
}

/** The date of a stock: "na koniec grudnia 2025 r." → 2025-12-31; "(według) stanu na 31.12.2025" → that day. */
function stockDate(sentence: string): string | null {
  const end = /na\s+koniec\s+(\p{L}+)\s+(\d{4})/iu.exec(sentence);
  if (end?.[1] && end[2]) {
    const month = monthNumber(end[1]);
    if (month) return lastDayOfMonth(Number(end[2]), month);
  }
  const at = /stan\p{L}*\s+na\s+(?:dzień\s+)?(\d{1,2})\.(\d{1,2})\.(\d{4})/iu.exec(sentence);
  if (at) return isoDate(Number(at[3]), Number(at[2]), Number(at[1]));
  return null;
}

/** The year the report is about: the latest "w 2025 roku" / "na koniec grudnia 2025". */
function reportYear(text: string): number | null {
  const years = yearPhrases(text).map((y) => y.year);
  for (const m of text.matchAll(/na\s+koniec\s+\p{L}+\s+(\d{4})/giu)) years.push(Number(m[1]));
  return years.length ? Math.max(...years) : null;
}

function read(doc: SourceText, year: number): ExtractedObservation[] {
  const flat = new FlatText(doc);
  const text = flat.text;
  const out: ExtractedObservation[] = [];
  /** The topic of the paragraph so far, and the year the sentence that opened it named. */
  let topic = null as { topic: Topic; year: number | null } | null;
  for (const { start, end } of sentences(text)) {
    const sentence = text.slice(start, end);
    const norm = normaliseLabel(sentence);
    const date = stockDate(sentence);
    const years = yearPhrases(sentence);
    const ownYear = years[0]?.year ?? (date ? Number(date.slice(0, 4)) : null);
    const own = TOPICS.find((t) => t.match.test(norm));
    if (own && !own.sentenceOnly) {
      topic = { topic: own, year: ownYear ?? (topic?.topic === own ? topic.year : null) };
    }
    const current = own ?? topic?.topic;
    if (!current) continue;
    const startsLine = (i: number) =>
      start + i === 0 || /\n\s*$/.test(text.slice(Math.max(0, start + i - 10), start + i));
    const figures = figuresOf(sentence, startsLine);
    figures.forEach((figure, i) => {
      const target = current.metric({
        sentence,
        figure,
        before: normaliseLabel(sentence.slice(0, figure.index)),
        after: sentence.slice(figure.index + figure.text.length, figures[i + 1]?.index ?? sentence.length),
      });
      if (!target) return;
      const flags: Flag[] = figure.isWord ? ["number_word"] : [];
      const notes: string[] = [];
      const isStock = metricCatalogue().get(target.metric)?.aggregation === "stock";
      // The year next to the figure: the nearest "w 2025 roku" before it in the sentence, else after it.
      const near = years.filter((y) => y.index < figure.index).at(-1) ?? years[0];
      let period: number;
      if (isStock && date) period = Number(date.slice(0, 4));
      else if (near) period = near.year;
      else if (date) period = Number(date.slice(0, 4));
      else {
        flags.push("period_assumed");
        if (/(biezac|tym)\p{L}* roku/u.test(norm)) {
          period = year;
          notes.push(`„w bieżącym roku” read as the year of the report (${year})`);
        } else if (own === undefined && topic?.year) {
          period = topic.year;
          notes.push(`no year in the sentence; the paragraph speaks of ${topic.year}`);
        } else {
          period = year;
          notes.push(`no year in the sentence; the year of the report (${year}) is taken`);
        }
      }
      if (isStock && !date) notes.push("a stock without its date in the sentence");
      const { line, column } = flat.at(start + figure.index);
      const lineText = doc.line(line);
      out.push({
        centre_id: "katowice",
        period_id: String(period),
        as_of_date: isStock ? date : null,
        metric_id: target.metric,
        breakdown: target.breakdown,
        value: figure.value,
        unit: unitOf(target.metric),
        line,
        quote: sentenceAround(lineText, column, column + figure.text.length),
        label: oneLine(sentence),
        flags,
        note: notes.join("; ") || null,
      });
    });
  }
  return out;
}

export const aktywizacjaUchodzcow: Extractor = {
  id: `katowice/${KIND}`,
  kind: KIND,

  recognise(doc: SourceText, centre: CentreRecord): Recognition | null {
    const head = [...doc.nonBlankLines(1, 12)].slice(0, 3);
    if (
      !/^informacj\p{L}* .*aktywizacj\p{L}* .*uchodzc/u.test(normaliseLabel(head.map(([, l]) => l).join(" ")))
    )
      return null;
    const year = reportYear(new FlatText(doc).text);
    if (year === null) return null;
    // The title: the first lines up to the one that ends with a full stop.
    const title: string[] = [];
    for (const [, line] of head) {
      title.push(line);
      if (/\.\s*$/.test(line)) break;
    }
    // A date line ("Katowice, 15 stycznia 2026 r.", "Katowice, dnia 15.01.2026 r.") is the issue date.
    const dated = doc.findLine(
      new RegExp(String.raw`^\s*${escapeRegExp(centre.name_pl)},\s*(dnia\s+)?\d`, "u"),
    );
    const periods = new Set(read(doc, year).map((o) => o.period_id));
    if (periods.size === 0) periods.add(String(year));
    return {
      centre_id: centre.centre_id,
      kind: KIND,
      title: oneLine(title.join("\n")).replace(/\.$/, ""),
      periods: [...periods].sort(),
      issued_on: dated === null ? null : findDateInWords(doc.line(dated)),
    };
  },

  readers: [
    {
      id: `katowice/${KIND}`,
      section_pl:
        "opis aktywizacji uchodźców (zarejestrowani, szkolenia, piecza zastępcza, wsparcie dzienne)",
      read: (doc, context) => {
        const year = reportYear(new FlatText(doc).text) ?? context.year;
        return year === null ? [] : oneFigurePerPlace(read(doc, year));
      },
    },
  ],
};
