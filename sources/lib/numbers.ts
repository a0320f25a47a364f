/**
 * Polish number traps shared by every extractor (see docs/domain.md):
 * spaces as thousands separators, decimal commas, numbers written as words.
 */

/** A split of digit groups into numbers. `ambiguous` lists every reading when more than one fits. */
export type GroupSplit =
  | { kind: "ok"; values: number[]; texts: string[] }
  | { kind: "ambiguous"; readings: number[][] }
  | { kind: "none" };

const GROUP = /^\d+$/;

/**
 * Split a run of space-separated digit groups into exactly `count` numbers.
 * "10 309 8 738 7 225 7 728" with count 4 → [10309, 8738, 7225, 7728].
 * A number is one group of any length, or a first group of 1–3 digits followed by groups of exactly
 * three digits. Only the column count decides; when two splits fit, the result is `ambiguous`
 * and nothing is guessed.
 */
export function splitDigitGroups(run: string, count: number): GroupSplit {
  const groups = run.trim().split(/\s+/);
  if (groups.length === 0 || !groups.every((g) => GROUP.test(g))) return { kind: "none" };
  const readings: string[][] = [];
  const walk = (at: number, acc: string[]) => {
    if (readings.length > 50) return;
    if (acc.length === count) {
      if (at === groups.length) readings.push([...acc]);
      return;
    }
    const first = groups[at];
    if (first === undefined) return;
    // A lone group: any length, but a leading zero only for "0" itself.
    if (first === "0" || !first.startsWith("0")) walk(at + 1, [...acc, first]);
    if (first.length <= 3 && !first.startsWith("0")) {
      for (let end = at + 1; end < groups.length && groups[end]?.length === 3; end++) {
        walk(end + 1, [...acc, groups.slice(at, end + 1).join(" ")]);
      }
    }
  };
  walk(0, []);
  if (readings.length === 0) return { kind: "none" };
  const [only] = readings;
  if (readings.length === 1 && only) {
    return { kind: "ok", values: only.map((t) => Number(t.replace(/ /g, ""))), texts: only };
  }
  return { kind: "ambiguous", readings: readings.map((r) => r.map((t) => Number(t.replace(/ /g, "")))) };
}

/** A line split into its label and the run of digit groups that ends it. */
export interface LabelledRow {
  label: string;
  /** The trailing digit groups as written, e.g. "10 309 8 738". Empty when the line ends in no number. */
  numbers: string;
  /** Offset of `numbers` (or of `unparsed`) in the original line. */
  numbersAt: number;
  /**
   * The trailing run as written when it stands where the numbers stand but does not parse: digits mixed
   * with letters a scan or a typist confuses with them ("4 l51 4 165", "1O6"). Then `numbers` is empty:
   * no digit of such a run is read, the row's values are missing. Empty for a row that parses.
   */
  unparsed: string;
}

/** A digit group, or a group where letters stand for digits ("l51", "1O5", "2O24"): a number that does not parse. */
const NUMBER_LIKE = /^(?=\D*\d)[\dlIOo|]+$/;
const DIGIT_GROUP = /^\d+$/;

/**
 * "Liczba godzin ... w 2024 r. 2 011" → label "Liczba godzin ... w 2024 r.", numbers "2 011".
 * Only groups standing alone at the end count, so "w 2024 r." stays in the label. A trailing run whose
 * groups mix digits with look-alike letters ("bezrobocie 4 l51 4 165 3 1O5 3 449") is `unparsed`, never
 * read in part: its digit groups after the last letter are not the row's values.
 */
export function splitLabelledRow(line: string): LabelledRow {
  const trimmed = line.replace(/\s+$/, "");
  const tokens = [...trimmed.matchAll(/\S+/g)];
  let first = tokens.length;
  while (first > 0 && NUMBER_LIKE.test(tokens[first - 1]?.[0] ?? "")) first--;
  const run = tokens.slice(first);
  const at = run[0]?.index;
  if (at === undefined)
    return { label: trimmed.trim(), numbers: "", numbersAt: trimmed.length, unparsed: "" };
  // A run of digit groups only is the row's numbers; one garbled group makes the whole run unparsed.
  const text = trimmed.slice(at);
  if (run.every((t) => DIGIT_GROUP.test(t[0]))) {
    // Digit groups are separated by spaces (a tab or a no-break space is not a thousands separator here).
    const m = /(?:^|\s)((?:\d+ +)*\d+)$/.exec(trimmed);
    const numbers = m?.[1] ?? text;
    const numbersAt = trimmed.length - numbers.length;
    return { label: trimmed.slice(0, numbersAt).trim(), numbers, numbersAt, unparsed: "" };
  }
  return { label: trimmed.slice(0, at).trim(), numbers: "", numbersAt: at, unparsed: text };
}

/** "256 194,94 zł" → 256194.94; "1 200 zł" → 1200. Returns null for anything that is not money. */
export function parseMoney(text: string): number | null {
  const m = /^\s*(\d{1,3}(?:[ \u00a0]\d{3})*|\d+)(?:,(\d{1,2}))?\s*(?:zł|PLN)?\s*$/.exec(text);
  if (!m || m[1] === undefined) return null;
  const whole = m[1].replace(/[ \u00a0]/g, "");
  return Number(m[2] === undefined ? whole : `${whole}.${m[2]}`);
}

/** Every money amount in a text: "kwotę 256 194,94 zł" → [{value: 256194.94, text, index}]. */
export function findMoney(text: string): { value: number; text: string; index: number }[] {
  const re = /(?<![\d,])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:,(\d{1,2}))?\s*(?:zł|PLN)(?![a-ząćęłńóśźż])/gi;
  const out: { value: number; text: string; index: number }[] = [];
  for (const m of text.matchAll(re)) {
    const value = parseMoney(m[0]);
    if (value !== null) out.push({ value, text: m[0], index: m.index });
  }
  return out;
}

/**
 * Stems of Polish cardinal numerals; each form in any grammatical case maps to its value, and so do
 * the collective numerals used for children ("troje dzieci", "pięciorga dzieci").
 */
const NUMBER_WORDS: [RegExp, number][] = [
  [/^(jeden|jedna|jedno|jednego|jednej|jednemu|jednym|jedną)$/, 1],
  [/^(dwa|dwie|dwóch|dwu|dwom|dwoma|dwiema|dwoje|dwojga|dwojgu|dwojgiem)$/, 2],
  [/^(trzy|trzech|trzem|trzema|troje|trojga|trojgu|trojgiem)$/, 3],
  [/^(cztery|czterech|czterem|czterema|czworo|czworga|czworgu|czworgiem)$/, 4],
  [/^(pięć|pięciu|pięcioma|pięcior(o|ga|gu|giem))$/, 5],
  [/^(sześć|sześciu|sześcioma|sześcior(o|ga|gu|giem))$/, 6],
  [/^(siedem|siedmiu|siedmioma|siedmior(o|ga|gu|giem))$/, 7],
  [/^(osiem|ośmiu|ośmioma|ośmior(o|ga|gu|giem))$/, 8],
  [/^(dziewięć|dziewięciu|dziewięcioma|dziewięcior(o|ga|gu|giem))$/, 9],
  [/^(dziesięć|dziesięciu|dziesięcioma|dziesięcior(o|ga|gu|giem))$/, 10],
  [/^(jedenaście|jedenastu|jedenastoma|jedenaścior(o|ga|gu|giem))$/, 11],
  [/^(dwanaście|dwunastu|dwunastoma|dwanaścior(o|ga|gu|giem))$/, 12],
  [/^(trzynaście|trzynastu|trzynastoma|trzynaścior(o|ga|gu|giem))$/, 13],
  [/^(czternaście|czternastu|czternastoma|czternaścior(o|ga|gu|giem))$/, 14],
  [/^(piętnaście|piętnastu|piętnastoma|piętnaścior(o|ga|gu|giem))$/, 15],
  [/^(szesnaście|szesnastu|szesnastoma|szesnaścior(o|ga|gu|giem))$/, 16],
  [/^(siedemnaście|siedemnastu|siedemnastoma|siedemnaścior(o|ga|gu|giem))$/, 17],
  [/^(osiemnaście|osiemnastu|osiemnastoma|osiemnaścior(o|ga|gu|giem))$/, 18],
  [/^(dziewiętnaście|dziewiętnastu|dziewiętnastoma|dziewiętnaścior(o|ga|gu|giem))$/, 19],
  [/^(dwadzieścia|dwudziestu|dwudziestoma|dwadzieścior(o|ga|gu|giem))$/, 20],
];

/** "czterech" → 4, "dwóch" → 2, "Pięciu" → 5; null for anything else. */
export function parseNumberWord(word: string): number | null {
  const w = word.toLowerCase();
  for (const [re, v] of NUMBER_WORDS) if (re.test(w)) return v;
  return null;
}

/** Stems of the Polish month names in every case ("czerwca", "w październiku", "w listopadzie"). */
const MONTH_STEMS = "styczni|lut|marc|marz|kwie|maj|czerw|lip|sierp|wrze|październik|listopad|grud";
const YEAR_AFTER_MONTH = new RegExp(`(?<!\\p{L})(${MONTH_STEMS})\\p{L}*\\s+$`, "iu");
const MONTH_GENITIVE =
  /^\s+(stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia)(?!\p{L})/iu;

/** A number in running text: digits (with space thousands) or a number word, with its place. */
export interface FoundNumber {
  value: number;
  text: string;
  index: number;
  isWord: boolean;
}

/**
 * Numbers in prose, e.g. "objęli wsparciem 74 rodziny, w których wychowuje się 135 dzieci".
 * Years ("2025 r.", "w 2024 roku"), dates (01.01.2023), times (12:00), legal references (Dz. U. 2024, poz. 1829;
 * art. 8 ust. 2) and numbers glued to letters or signs ("500+", "12a") are not figures and are skipped; no
 * part of a decimal amount ("256 194,94 zł") is read as a figure of its own (findMoney reads amounts).
 * Space-grouped thousands are read greedily in prose ("7 258 porad"), where no column count exists.
 */
export function findNumbersInProse(text: string): FoundNumber[] {
  const out: FoundNumber[] = [];
  const re =
    /(?<![\p{L}\d.,/+:-])(\d{1,3}(?: \d{3})+|\d+)(?![\p{L}\d+%/]|[.,:]\d| \d{3}(?: \d{3})*[.,]\d)|(?<![\p{L}])(\p{L}+)(?![\p{L}])/gu;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) {
      const raw = m[1];
      const after = text.slice(m.index + raw.length, m.index + raw.length + 16);
      const before = text.slice(Math.max(0, m.index - 14), m.index);
      const value = Number(raw.replace(/ /g, ""));
      const yearLike = /^\d{4}$/.test(raw) && value >= 1900 && value <= 2100;
      if (yearLike && /^\s*(r\b|r\.|rok|roku|-|–|\/|,\s*poz)/.test(after)) continue;
      if (yearLike && /(w|od|do|z|za|roku|rok|latach|lata|na)\s+$/i.test(before)) continue;
      // The end of a range of years ("2022 – 2024") and a year after a month ("w październiku 2023").
      if (yearLike && /\d{4}\s*[-–]\s*$/.test(before)) continue;
      if (yearLike && YEAR_AFTER_MONTH.test(before)) continue;
      // The day of a date written with the month's name ("z dnia 9 czerwca 2011 r.").
      if (value <= 31 && MONTH_GENITIVE.test(after)) continue;
      if (/(Dz\.\s*U\.|poz\.|art\.|ust\.|pkt|nr|§|godz\.|ul\.)\s*$/i.test(before)) continue;
      // The next item of a legal reference ("art. 8 ust. 2 i 3", "pkt 1, 2").
      if (/(art\.|ust\.|pkt|§)\s*\d+[a-z]?\s*(,|i|oraz|lub)\s*$/i.test(before)) continue;
      out.push({ value, text: raw, index: m.index, isWord: false });
    } else if (m[2] !== undefined) {
      const value = parseNumberWord(m[2]);
      if (value !== null) out.push({ value, text: m[2], index: m.index, isWord: true });
    }
  }
  return out;
}

/**
 * "w tys.", "(tys.)", "tys. zł", "w tysiącach" in a label or column header, as written or normalised: the values
 * under it are thousands. A count read from "1,2" or "2" there would be a thousand times too small, and one
 * multiplied out would be a rounding the report did not make, so such a value is not taken (see thousandsNote).
 */
export const IN_THOUSANDS = /(?<![\p{L}])(?:tys\.?|tysi[aą]c\p{L}*)(?![\p{L}])/iu;

/** The note of a value given in thousands and therefore not taken: missing, never a count a thousand times too small. */
export const thousandsNote = (where: string) =>
  `Wartość podana w tysiącach („${where}”): odczytana jako liczba sztuk byłaby tysiąc razy za mała, ` +
  "a przeliczona — zaokrąglona; nie przyjęto jej (brak wartości, to nie jest zero).";
