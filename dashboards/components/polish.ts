// Polish for what the data carries in English or as codes: breakdown vocabularies, notes that an extractor
// wrote in English, numbers written by SQL ("13737.0"). Codes of flags are in provenance.ts (FLAG_LABELS).
import { formatNumber } from "./format.js";

/** Breakdown vocabularies of models/seeds/breakdowns.csv in words. */
export const VOCABULARY_LABELS: Record<string, string> = {
  activation_measure: "forma aktywizacji",
  age_group: "grupa wieku",
  assistance_end_reason: "powód zakończenia współpracy",
  diagnostic_tool: "narzędzie diagnostyczne",
  family_assistance_situation: "sytuacja rodziny",
  family_member: "członek rodziny",
  intervention_type: "rodzaj interwencji",
  large_family_type: "rodzaj rodziny wielodzietnej",
  population_group: "grupa osób",
  programme: "program",
  reason: "powód przyznania pomocy",
  respite_care_group: "grupa (opieka wytchnieniowa)",
  sex: "płeć",
  specialisation_degree: "stopień specjalizacji",
  specialist_type: "rodzaj specjalisty",
  staff_role: "funkcja pracownika",
  supervision_type: "rodzaj superwizji",
  training_type: "rodzaj szkolenia",
};

export const vocabularyLabel = (v: string | null | undefined): string =>
  v ? (VOCABULARY_LABELS[v] ?? "słownik podziałów bez polskiej nazwy") : "";

/** What stands for a breakdown the vocabulary (marts.dim_breakdown) does not know: said in Polish, no raw id. */
export const UNKNOWN_BREAKDOWN = "podział spoza słownika (bez polskiej nazwy)";

/** A breakdown's Polish label; an unknown one says so instead of showing its code. */
export const breakdownLabel = (id: string | null | undefined, label: string | null | undefined): string =>
  id ? label || UNKNOWN_BREAKDOWN : "";

/** Notes extractors write in English, as patterns with their Polish. */
const NOTE_PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [
    /^no year in the sentence; the paragraph speaks of (\d{4})$/,
    (m) => `w zdaniu nie ma roku; akapit dotyczy roku ${m[1]}`,
  ],
  [
    /^no year in the sentence; the year of the report \((\d{4})\) is taken$/,
    (m) => `w zdaniu nie ma roku; przyjęto rok sprawozdania (${m[1]})`,
  ],
  [
    /^(„[^”]+”) read as the year of the report \((\d{4})\)$/,
    (m) => `${m[1]} odczytano jako rok sprawozdania (${m[2]})`,
  ],
  [/^the year is that of the heading („[^”]+”)$/, (m) => `rok z nagłówka ${m[1]}`],
  [
    /^the document ends before the value of this row \(truncated\); missing, not zero$/,
    () => "dokument kończy się przed wartością tego wiersza (ucięty); brak danych, nie zero",
  ],
];

const POLISH_LETTERS = /[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ„]/;
const ENGLISH_WORDS =
  /\b(the|of|is|in|no|not|and|read|as|year|report|document|value|taken|before|missing)\b/gi;

/** An English note in Polish: a known pattern translated, else null (the caller shows the flag's phrase). */
export function notePl(note: string | null | undefined): string | null {
  if (!note) return null;
  const text = note.trim();
  for (const [re, pl] of NOTE_PATTERNS) {
    const m = text.match(re);
    if (m) return pl(m);
  }
  const english = (text.replace(/„[^”]*”/g, "").match(ENGLISH_WORDS) ?? []).length;
  if (english >= 2 && !POLISH_LETTERS.test(text.replace(/„[^”]*”/g, ""))) return null;
  return text;
}

/** Numbers SQL wrote into a Polish message ("13737.0", "12.0 / 14.0") in Polish form ("13 737", "12 / 14"). */
export function polishNumbers(text: string): string {
  return text.replace(/(?<![\d,.])(\d+)\.(\d+)(?!\d|\.\d)/g, (all, int: string, frac: string) => {
    const value = Number(`${int}.${frac}`);
    if (!Number.isFinite(value)) return all;
    return Number.isInteger(value)
      ? formatNumber(value)
      : formatNumber(value, Math.min(frac.replace(/0+$/, "").length, 2));
  });
}

/**
 * A data-quality message in Polish: numbers in Polish form, an English note after "…: " translated or,
 * when unknown, left out (the message's Polish head says what the finding is).
 */
export function messagePl(message: string | null | undefined): string {
  if (!message) return "";
  const text = polishNumbers(message);
  const i = text.indexOf(": ");
  if (i < 0) return text;
  const head = text.slice(0, i);
  const note = notePl(text.slice(i + 2));
  return note === null ? head : `${head}: ${note}`;
}
