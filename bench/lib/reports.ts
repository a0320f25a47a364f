import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gminaYearDocuments } from "../generate.ts";
import { formatPl } from "./figures.ts";
import type { Gmina } from "./gminas.ts";
import { between, streamFor } from "./random.ts";

/**
 * Sample reports for the extraction benchmark: the real documents of sources/<centre>/documents used
 * as templates, with the years and the figures replaced for a synthetic gmina and year. The city's
 * name stays by default: every extractor recognises its centre's reports by the city's name (as it
 * should: the contract knows four centres), so a report naming the gmina is rejected as no known
 * centre's. `replaceNames` puts the gmina's name in (what a national extractor would have to read).
 *
 * What is replaced is written as snippets of the template: literal text with markers, where
 *   {123}            a figure: the original scaled to the gmina (Polish thousands spaces kept)
 *   {a=12}           the same, remembered as `a`;  {=a+b} the sum of remembered figures
 *   {m:metric|breakdown|period}  the gmina's figure from the national data (period: Y-1, Y, H1, H1+1)
 *   {w:4}            a number word (dwóch, trzech, czterech…) of the scaled figure
 *   {n:74|rodzinę|rodziny|rodzin}  the scaled figure with its noun in the right Polish form
 * Whitespace in a snippet matches any whitespace (tables break over blank lines). A snippet that no
 * longer matches its template stops the generator: the template changed.
 */
interface Layout {
  id: string;
  file: string;
  /** Residents of the template's city: figures scale by the gmina's population over this. */
  population: number;
  /** The template's report year B; years in [B + from, B + to] move with the report's year. */
  baseYear: number;
  shift: [from: number, to: number];
  names: [RegExp, (g: Gmina) => string][];
  snippets: string[];
}

const SOURCES = fileURLToPath(new URL("../../sources/", import.meta.url));

const upper = (s: string) => s.toLocaleUpperCase("pl-PL");

export const LAYOUTS: readonly Layout[] = [
  {
    id: "wroclaw-dobre-praktyki",
    file: "wroclaw/documents/wroclaw_mops_dobre-praktyki_2000-2013.txt",
    population: 631_235,
    baseYear: 2012,
    shift: [-1, 1],
    names: [
      [/Wrocławiu/g, (g) => g.nameLoc],
      [/Wrocławia/g, (g) => g.nameGen],
      [/Wr?o?cław(?![a-ząćęłńóśźż])/g, (g) => g.name],
    ],
    snippets: [
      "Liczba pracowników socjalnych terenowych {m:social_workers||Y}",
      "Liczba mieszkańców Wrocławia {m:residents||Y}",
      ...(
        [
          ["Liczba rodzin korzystająca z pomocy społecznej", "families_assisted|"],
          ["ubóstwo", "families_by_reason|poverty"],
          ["bezrobocie", "families_by_reason|unemployment"],
          ["niepełnosprawność", "families_by_reason|disability"],
          ["długotrwała lub ciężka choroba", "families_by_reason|long_term_illness"],
          ["bezradności w sprawach opiekuńczo- wychowawczych", "families_by_reason|parenting_helplessness"],
          ["Praca socjalna", "families_social_work|"],
          ["wyłącznie praca socjalna", "families_social_work_only|"],
          ["Liczba rodzin pobierających świadczenia rodzinne", "families_family_benefits|"],
          ["Liczba rodzin pobierająca świadczenie z funduszu alimentacyjnego", "families_alimony_fund|"],
        ] as const
      ).map(([label, m]) => `${label} {m:${m}|Y-1} {m:${m}|Y} {m:${m}|H1} {m:${m}|H1+1}`),
      "ze świadczeń MOPS skorzystało {335} usamodzieleniających",
      "W I półroczu 2012 - skorzystało {191} wychowanków",
      "W I półroczu 2013 - skorzystało {184} Wychowanków",
      "edycja 2011 {80} rodzin/{20} asystentów",
      "WMA edycja 2012 {100} rodzin/{20} asystentów MOPS - 2012 {25} rodzin/{2} asystentów",
      "WMA edycja 2010 {100} rodzin/{25} asystentów",
      "WMA edycja 2013 {90} rodzin/{18} asystentów MOPS - 2013 {35} rodzin/{3} asystentów",
      "Liczba założonych NK-A {m:nk_a_forms||Y-1} {m:nk_a_forms||H1} {m:nk_a_forms||Y} {m:nk_a_forms||H1+1}",
      "Roboczych {m:nk_working_groups||Y-1} {m:nk_working_groups||H1} {m:nk_working_groups||Y} {m:nk_working_groups||H1+1}",
    ],
  },
  {
    id: "katowice-komisja-cpsmis",
    file: "katowice/documents/katowice_mops_cpsmis_komisja-polityki-spolecznej_2025-10-07.txt",
    population: 290_000,
    baseYear: 2024,
    shift: [0, 1],
    names: [
      [/Katowicach/g, (g) => g.nameLoc],
      [/Katowic(?![ae])/g, (g) => g.nameGen],
      [/Katowice/g, (g) => g.name],
    ],
    snippets: [
      "pedagogicznego w 2024 r. {63}",
      "dla rodzin i osób w 2024 r. {163}",
      "Łączny wymiar godzin udzielonego wsparcia w 2024 r. {163}",
      "Liczba osób biorących udział w terapii w 2024 r. {130}",
      "Liczba przeprowadzonych sesji terapeutycznych w 2024 r. {1999}",
      "Liczba godzin przeprowadzonych sesji terapeutycznych w 2024 r. {2 011}",
      "Liczba asystentów rodziny w 2024 r. {16}",
      "korzystających z usługi asystenta rodziny {291}",
      "Liczba uczestników programu w 2024 r. {66}",
      "Liczba spotkań w ramach programu w 2024 r. {181}",
      "Liczba godzin programu w 2024 r. {181}",
      "Szkolenia płatne w 2024 r. {t1=11} {p1=178}",
      "Szkolenia bezpłatne w 2024 r. {t2=40} {p2=386}",
      "Suma: {=t1+t2} {=p1+p2}",
      "Liczba superwizji psychologicznych w 2024 r. {184}",
      "Liczba godzin superwizji psychologicznych w 2024 r. {417}",
      "psychologicznych w 2024 r. {196}",
      "Liczba superwizji pracy socjalnej w 2024 r. {75}",
      "Liczba godzin superwizji pracy socjalnej w 2024 r. {167}",
    ],
  },
  {
    id: "kedzierzyn-kozle-asystenci-rodziny",
    file: "kedzierzyn-kozle/documents/kedzierzyn-kozle_mops_asystenci-rodziny_2025.txt",
    population: 58_000,
    baseYear: 2025,
    shift: [-1, 1],
    names: [
      [/Kędzierzynie\s*-\s*Koźlu/g, (g) => g.nameLoc],
      [/KĘDZIERZYNIE-KOŹLU/g, (g) => upper(g.nameLoc)],
      [/Kędzierzyn-Koźle/g, (g) => g.name],
    ],
    snippets: [
      "zatrudniał {w:4} asystentów rodziny",
      "objęli wsparciem {n:74|rodzinę|rodziny|rodzin}, w których wychowuje się {135} dzieci",
      "asystenturą, {14} z nich",
      "w {10} z nich dzieci",
      "zakończono współpracę z {21} rodzinami; w {7} przypadkach",
      "udzielili łącznie {7 258} porad",
      "przeprowadzili {3 140} konsultacji",
      "łącznie {50} dzieci",
    ],
  },
  {
    id: "jaworzno-sprawozdanie-gpwr",
    file: "jaworzno/documents/jaworzno_mops_sprawozdanie-gpwr_2023.txt",
    population: 90_000,
    baseYear: 2023,
    shift: [-1, 1],
    names: [
      [/Jaworznie/g, (g) => g.nameLoc],
      [/JAWORZNIE/g, (g) => upper(g.nameLoc)],
      [/Jaworzna/g, (g) => g.nameGen],
      [/Jaworzno/g, (g) => g.name],
    ],
    snippets: [
      "praca socjalna {10} {21}",
      "prace społecznie użyteczne {6} {11}",
      "i „Uwierz w siebie” {5} {9}",
      "w środowisku zamieszkania {23}",
      "Zespoły Aktywizacji i Wsparcia {14}",
      "karty rozpoznania {491}",
      "intensywna praca socjalna {173}",
      "wywiady środowiskowe dot. 500+ {14}",
      "lub życia w tym: {45}",
      "naruszenia praw dziecka {7}",
      "Wsparcie asystenta {106}",
      "Wsparcie pracownika socjalnego {529}",
      "Wsparcie psychologa {42}",
      "wizyty asystentów w środowisku rodzinnym {1 189}",
      "w tym opinii do sądu {25}",
      "wizyty pracowników socjalnych w środowisku rodzinnym {3 418}",
      "w tym opinii do sądu {795}",
      "w roku 2023 skorzystało {12} rodzin",
      "skorzystały {42} rodziny z dziećmi",
      "rodziny zagrożone umieszczeniem dzieci w pieczy zastępczej {24}",
      "rodziny dzieci umieszczonych w pieczy zastępczej {5}",
      "rodziny objęte monitoringiem {12}",
      "uczestniczyło {13} osób dorosłych oraz {22} dzieci",
      "objętych wsparciem: {46} osób",
      "objęto łącznie {317} osób, w tym {193} kobiety i {124} mężczyzn",
      "otrzymało łącznie {590} nowych",
      "w tym {502} to rodziny",
      "do 31.12.2023 r. {590}",
      "wyłącznie z rodziców {502}",
      "liczba osób, którym wydano karty {1 175}",
      "liczba rodziców {915}",
      "liczba dzieci {260}",
      "liczba wydanych Kart Dużej Rodziny {1 326}",
    ],
  },
];

const NUMBER_WORDS = [
  "zera",
  "jednego",
  "dwóch",
  "trzech",
  "czterech",
  "pięciu",
  "sześciu",
  "siedmiu",
  "ośmiu",
  "dziewięciu",
  "dziesięciu",
  "jedenastu",
  "dwunastu",
];

/** Polish noun agreement: 1 rodzinę, 2–4 (not 12–14) rodziny, otherwise rodzin. */
function agree(n: number, one: string, few: string, many: string): string {
  if (n === 1) return one;
  const d = n % 10;
  const dd = n % 100;
  return d >= 2 && d <= 4 && (dd < 12 || dd > 14) ? few : many;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

interface CompiledSnippet {
  re: RegExp;
  markers: string[];
}

/** A snippet as a regular expression (whitespace-insensitive) with one group per marker. */
function compile(snippet: string): CompiledSnippet {
  const markers: string[] = [];
  let source = "";
  for (const part of snippet.split(/(\{[^}]*\})/)) {
    if (part.startsWith("{") && part.endsWith("}")) {
      const marker = part.slice(1, -1);
      markers.push(marker);
      const number = "\\d{1,3}(?:[ \\u00a0]\\d{3})*|\\d+";
      // A figure with its noun ("74 rodziny") is replaced whole: the noun agrees with the new figure.
      source += marker.startsWith("n:")
        ? `((?:${number})\\s+[^\\s,.;]+)`
        : marker.startsWith("w:")
          ? "([a-ząćęłńóśźż]+)"
          : `(${number})(?!\\d)`;
    } else {
      source += part
        .split(/\s+/)
        .map(escapeRegExp)
        .join("\\s+")
        .replace(/^(\\s\+)?/, (m) => (m ? "\\s*" : ""));
    }
  }
  return { re: new RegExp(source, "d"), markers };
}

const compiled = new Map<string, CompiledSnippet[]>();
const templates = new Map<string, string>();

/** Render one report of a layout for a gmina and year. */
export function renderReport(
  layout: Layout,
  seed: number,
  g: Gmina,
  year: number,
  replaceNames = false,
): string {
  let text = templates.get(layout.id);
  if (text === undefined) {
    text = readFileSync(join(SOURCES, layout.file), "utf8");
    templates.set(layout.id, text);
  }
  let snippets = compiled.get(layout.id);
  if (!snippets) {
    snippets = layout.snippets.map(compile);
    compiled.set(layout.id, snippets);
  }
  const r = streamFor(seed, `report|${layout.id}|${g.centreId}|${year}`);
  const factor = Math.min(40, Math.max(0.02, g.population / layout.population));
  const scaled = (n: number) => Math.max(1, Math.round(n * factor * between(r, 0.9, 1.1)));
  const national = nationalValues(seed, g, year);
  const named = new Map<string, number>();

  const value = (marker: string, original: string): string => {
    const orig = Number(original.replace(/[^\d\s].*$/s, "").replace(/\s/g, ""));
    const fmt = (n: number) => (/\s/.test(original) || n >= 10_000 ? formatPl(n) : String(n));
    if (marker.startsWith("m:")) {
      // A figure the national data has as missing is printed anyway (a report has a number there).
      return formatPl(national.get(marker.slice(2)) ?? scaled(orig));
    }
    if (marker.startsWith("w:")) {
      const n = Math.min(12, Math.max(2, scaled(Number(marker.slice(2)))));
      return NUMBER_WORDS[n] as string;
    }
    if (marker.startsWith("n:")) {
      const [, one, few, many] = marker.slice(2).split("|") as [string, string, string, string];
      const n = scaled(orig);
      return `${formatPl(n)} ${agree(n, one, few, many)}`;
    }
    if (marker.startsWith("=")) {
      return fmt(
        marker
          .slice(1)
          .split("+")
          .reduce((sum, name) => sum + (named.get(name) ?? 0), 0),
      );
    }
    const eq = marker.indexOf("=");
    const n = scaled(orig);
    if (eq > 0) named.set(marker.slice(0, eq), n);
    return fmt(n);
  };

  // The figures' places in the template, and what goes there.
  const edits: { start: number; end: number; text: string }[] = [];
  let from = 0;
  layout.snippets.forEach((snippet, i) => {
    const { re, markers } = snippets[i] as CompiledSnippet;
    // Snippets are found in order; one that repeats earlier text is looked for from the start.
    let base = from;
    let m = re.exec((text as string).slice(from));
    if (!m) {
      base = 0;
      m = re.exec(text as string);
    }
    if (!m?.indices) throw new Error(`${layout.id}: the template no longer contains "${snippet}"`);
    markers.forEach((marker, k) => {
      const span = m.indices?.[k + 1];
      if (span)
        edits.push({ start: base + span[0], end: base + span[1], text: value(marker, m[k + 1] as string) });
    });
    from = base + m.index + m[0].length;
  });
  edits.sort((a, b) => a.start - b.start);

  const offset = year - layout.baseYear;
  const [lo, hi] = [layout.baseYear + layout.shift[0], layout.baseYear + layout.shift[1]];
  const shiftYears = (s: string) =>
    s.replace(/(?<!\d)(19|20)\d{2}(?!\d)/g, (y) => {
      const n = Number(y);
      return n >= lo && n <= hi ? String(n + offset) : y;
    });
  let out = "";
  let pos = 0;
  for (const e of edits) {
    if (e.start < pos) continue;
    out += shiftYears(text.slice(pos, e.start)) + e.text;
    pos = e.end;
  }
  out += shiftYears(text.slice(pos));
  if (replaceNames) for (const [re, name] of layout.names) out = out.replace(re, name(g));
  return out;
}

/** The gmina's figures for the periods a report of year Y shows: Y-1, Y, H1 (of Y), H1+1 (of Y+1). */
function nationalValues(seed: number, g: Gmina, year: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [y, tokens] of [
    [year - 1, ["Y-1", null]],
    [year, ["Y", "H1"]],
    [year + 1, [null, "H1+1"]],
  ] as const) {
    const docs = gminaYearDocuments(seed, g, y);
    const current = docs[docs.length - 1];
    for (const o of current?.observations ?? []) {
      const [, , , period, , metric, breakdown, value] = o;
      const token = String(period).endsWith("-H1") ? tokens[1] : tokens[0];
      if (token && value !== null) out.set(`${metric}|${breakdown ?? ""}|${token}`, Number(value));
    }
  }
  return out;
}

/**
 * Write `count` sample reports, the layouts in turn, each for another gmina and year. Returns what
 * was written.
 */
export function writeSampleReports(opts: {
  out: string;
  seed: number;
  gminas: readonly Gmina[];
  count: number;
  years?: readonly number[];
  layouts?: readonly string[];
}): { count: number; bytes: number; layouts: Record<string, number> } {
  const years = opts.years ?? Array.from({ length: 15 }, (_, i) => 2011 + i);
  const layouts = LAYOUTS.filter((l) => !opts.layouts || opts.layouts.includes(l.id));
  const summary = { count: 0, bytes: 0, layouts: {} as Record<string, number> };
  if (opts.count <= 0 || opts.gminas.length === 0) return summary;
  for (let i = 0; i < opts.count; i++) {
    const layout = layouts[i % layouts.length] as Layout;
    const g = opts.gminas[Math.floor(i / layouts.length) % opts.gminas.length] as Gmina;
    const year =
      years[(Math.floor(i / layouts.length / opts.gminas.length) + i) % years.length] ?? (years[0] as number);
    const text = renderReport(layout, opts.seed, g, year);
    const bytes = Buffer.byteLength(text, "utf8");
    mkdirSync(join(opts.out, layout.id), { recursive: true });
    writeFileSync(join(opts.out, layout.id, `${String(i).padStart(5, "0")}_${g.centreId}_${year}.txt`), text);
    summary.count++;
    summary.bytes += bytes;
    summary.layouts[layout.id] = (summary.layouts[layout.id] ?? 0) + 1;
  }
  return summary;
}
