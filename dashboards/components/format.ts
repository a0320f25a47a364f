// Polish formatting for everything a person reads: `10 309`, `18,2 %`, "brak danych" for a missing value.
// Missing is never shown as 0. A non-breaking space keeps a number on one line (and in one table cell).

export const MISSING = "brak danych";
const NBSP = "\u00a0";

const isMissing = (v: unknown): v is null | undefined => v === null || v === undefined || Number.isNaN(v);

/** Groups of three digits separated by a non-breaking space, decimal comma: 10309 → "10 309", 18.25 → "18,3". */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (isMissing(value)) return MISSING;
  const fixed = Math.abs(value).toFixed(digits);
  const [int = "0", frac] = fixed.split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  const sign = value < 0 && Number(fixed) !== 0 ? "−" : "";
  return sign + grouped + (frac ? `,${frac}` : "");
}

/** Up to `digits` decimals, trailing zeros dropped: 15 → "15", 18.1875 → "18,2". */
export function formatDecimal(value: number | null | undefined, digits = 1): string {
  if (isMissing(value)) return MISSING;
  const text = formatNumber(value, digits);
  return text.includes(",") ? text.replace(/0+$/, "").replace(/,$/, "") : text;
}

/** A share (0–1) as a Polish percentage: 0.182 → "18,2 %". */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (isMissing(share)) return MISSING;
  return `${formatNumber(share * 100, digits)}${NBSP}%`;
}

/** A signed change: +1 234, −5,0 %. */
export function formatChange(value: number | null | undefined, digits = 0): string {
  if (isMissing(value)) return MISSING;
  const body = formatNumber(value, digits);
  return value > 0 && body !== formatNumber(0, digits) ? `+${body}` : body;
}

export function formatPercentChange(share: number | null | undefined, digits = 1): string {
  if (isMissing(share)) return MISSING;
  return `${formatChange(share * 100, digits)}${NBSP}%`;
}

const MONTHS = [
  "stycznia",
  "lutego",
  "marca",
  "kwietnia",
  "maja",
  "czerwca",
  "lipca",
  "sierpnia",
  "września",
  "października",
  "listopada",
  "grudnia",
];

/** "2025-10-07" (or a Date) → "7 października 2025". Dates are calendar dates: no time zone shift. */
export function formatDate(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === "") return MISSING;
  const iso = value instanceof Date ? value.toISOString() : value;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return String(value);
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

const WARSAW = new Intl.DateTimeFormat("pl-PL", {
  timeZone: "Europe/Warsaw",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/**
 * "2025-11-25 06:00:40.28+00" → "25.11.2025, 07:00" in Polish time (Europe/Warsaw, summer time included);
 * the warehouse stores UTC, and a time without a zone is taken as UTC.
 */
export function formatTimestamp(value: string | null | undefined): string {
  if (!value) return MISSING;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return value;
  const utc = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  );
  const parts = Object.fromEntries(WARSAW.formatToParts(new Date(utc)).map((p) => [p.type, p.value]));
  return `${parts.day}.${parts.month}.${parts.year}, ${parts.hour}:${parts.minute}`;
}

const ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

/**
 * '2012' → "2012", '2012-H1' → "I półrocze 2012"; a multi-year span '2006/2008' → "lata 2006–2008",
 * '2012-07/2015-06' → "VII 2012 – VI 2015"; 'undated' → "bez daty" (sources/lib/periods.ts).
 */
export function formatPeriod(periodId: string | null | undefined): string {
  if (!periodId) return MISSING;
  if (periodId === "undated") return "bez daty";
  const span = /^(\d{4})(?:-(\d{2}))?\/(\d{4})(?:-(\d{2}))?$/.exec(periodId);
  if (span) {
    const [, from, fromMonth, to, toMonth] = span;
    if (fromMonth === undefined || toMonth === undefined) return `lata ${from}–${to}`;
    return `${ROMAN_MONTHS[Number(fromMonth) - 1]} ${from} – ${ROMAN_MONTHS[Number(toMonth) - 1]} ${to}`;
  }
  const m = /^(\d{4})-H([12])$/.exec(periodId);
  if (!m) return periodId;
  return `${m[2] === "1" ? "I" : "II"} półrocze ${m[1]}`;
}

/** Short form for axes: '2012-H1' → "I półr. 2012". */
export function formatPeriodShort(periodId: string): string {
  return formatPeriod(periodId).replace("półrocze", "półr.");
}

/** Unit codes of the metric catalogue in words, as "what is counted" for chart titles. */
const UNITS: Record<string, string> = {
  families: "liczba rodzin",
  persons: "liczba osób",
  children: "liczba dzieci",
  forms: "liczba formularzy",
  groups: "liczba grup",
  cases: "liczba spraw",
  hours: "liczba godzin",
  people: "liczba osób",
  trainings: "liczba szkoleń",
  participants: "liczba uczestników",
  diplomas: "liczba dyplomów",
  meetings: "liczba spotkań",
  programmes: "liczba programów",
  supervisions: "liczba superwizji",
  visits: "liczba wizyt",
  opinions: "liczba opinii",
  applications: "liczba wniosków",
  sessions: "liczba sesji",
  interventions: "liczba interwencji",
  cards: "liczba kart",
  days: "liczba dni",
  consultations: "liczba konsultacji",
  teams: "liczba zespołów",
  projects: "liczba projektów",
  institutions: "liczba instytucji",
  levels: "liczba poziomów",
  facilities: "liczba placówek",
  pln: "zł",
  PLN: "zł",
  zl: "zł",
  percent: "%",
  ratio: "wskaźnik",
};

const MONEY = new Set(["PLN", "pln", "zl"]);

/** A figure in its unit: money with grosze and "zł" (256 194,94 zł), fractions kept, counts whole. */
export function formatValue(value: number | null | undefined, unit?: string | null): string {
  if (isMissing(value)) return MISSING;
  if (unit && MONEY.has(unit)) return `${formatNumber(value, 2)}${NBSP}zł`;
  return Number.isInteger(value) ? formatNumber(value) : formatDecimal(value, 2);
}

export function formatUnit(unit: string | null | undefined): string {
  if (!unit) return "jednostka nieznana";
  return UNITS[unit] ?? unit;
}

/** Polish plural: 1 rodzina, 2 rodziny, 5 rodzin. */
export function plural(n: number, one: string, few: string, many: string): string {
  if (n === 1) return one;
  const d = n % 10;
  const dd = n % 100;
  return d >= 2 && d <= 4 && (dd < 12 || dd > 14) ? few : many;
}

/**
 * Periods in time order, a year after its own half-years: 2011, 2012-H1, 2012-H2, 2012, 2013-H1. A span
 * ('2006/2008', '2012-07/2015-06') goes by its end, just before the year it ends in (the earlier start
 * first); anything else ('undated') after every period.
 */
export function periodOrder(periodId: string): number {
  const m = /^(\d{4})(?:-H([12]))?$/.exec(periodId);
  if (m) return Number(m[1]) * 10 + (m[2] ? Number(m[2]) * 3 : 9);
  const span = /^(\d{4})(?:-(\d{2}))?\/(\d{4})(?:-(\d{2}))?$/.exec(periodId);
  if (!span) return Number.POSITIVE_INFINITY;
  // ending in the first half of a year (month ≤ 6): beside that half-year; else beside the year
  const endHalf = span[4] !== undefined && Number(span[4]) <= 6 ? 3 : 8;
  const start = Number(span[1]) + Number(span[2] ?? 0) / 100;
  return Number(span[3]) * 10 + endHalf + 0.5 + start / 100_000;
}

export const byPeriod = (a: { period_id: string }, b: { period_id: string }) =>
  periodOrder(a.period_id) - periodOrder(b.period_id);

/** The earlier period of the same kind: 2012 → 2011, 2013-H1 → 2012-H1. */
export function previousComparablePeriod(periodId: string): string | null {
  const m = /^(\d{4})(-H[12])?$/.exec(periodId);
  if (!m) return null;
  return `${Number(m[1]) - 1}${m[2] ?? ""}`;
}
