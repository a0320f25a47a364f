/**
 * Centres are data, not code: models/seeds/centres.csv names every centre the project knows, keyed by its
 * TERYT (TERC) code, with the forms of its name a report uses (Wrocław, Wrocławia, we Wrocławiu; the MOPS's
 * own name). A document's centre is recognised from these forms, so a centre whose reports use sections the
 * project already reads is added by one seed row and no code.
 *
 * Besides the project's seed, a process may know more centres: files listed in OBS_EXTRA_CENTRES (paths
 * separated by the platform's delimiter, same columns) and rows registered in-process with registerCentres
 * (the national benchmark's 2,477 gminas, a test's new centre).
 */
import { readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { csvParse } from "d3";
import { z } from "zod";
import { SEEDS_DIR } from "./catalogue.ts";
import { escapeRegExp } from "./document.ts";

const optional = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === "" ? null : s.trim()));

export const CentreRecord = z.object({
  /** TERYT TERC code of the gmina: 2 digits voivodeship, 2 powiat, 2 gmina, 1 gmina type. */
  teryt: z.string().regex(/^\d{7}$/, "teryt must be a seven-digit TERC code"),
  centre_id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "centre_id is lower-case ASCII with hyphens"),
  /** Nominative ("Wrocław"). */
  name_pl: z.string().min(2),
  /** Genitive ("Wrocławia"), as in "Liczba mieszkańców Wrocławia". */
  name_genitive: optional,
  /** Locative with its preposition ("we Wrocławiu"), as in the MOPS's own name. */
  name_locative: optional,
  /** The MOPS's own name ("Miejski Ośrodek Pomocy Społecznej we Wrocławiu"). */
  centre_name_pl: z.string().min(2),
  voivodeship: z.string().min(2),
  powiat: optional,
  gmina_type: optional,
});
export type CentreRecord = z.infer<typeof CentreRecord>;

export const CENTRES_SEED = join(SEEDS_DIR, "centres.csv");

function readCentres(file: string): CentreRecord[] {
  return csvParse(readFileSync(file, "utf8")).map((row, i) => {
    const parsed = CentreRecord.safeParse(row);
    if (!parsed.success) throw new Error(`${file}, row ${i + 2}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
}

let centres: Map<string, CentreRecord> | undefined;
const registered: CentreRecord[] = [];

function add(into: Map<string, CentreRecord>, c: CentreRecord, from: string) {
  const same = into.get(c.centre_id);
  if (same && same.teryt !== c.teryt)
    throw new Error(`centre ${c.centre_id} is defined twice with other TERYT codes (again in ${from})`);
  for (const other of into.values()) {
    if (other.teryt === c.teryt && other.centre_id !== c.centre_id)
      throw new Error(`TERYT ${c.teryt} names two centres (${other.centre_id}, ${c.centre_id}; ${from})`);
  }
  into.set(c.centre_id, c);
}

/** Every centre this process knows, by centre_id. */
export function centreCatalogue(): Map<string, CentreRecord> {
  if (centres) return centres;
  const out = new Map<string, CentreRecord>();
  for (const c of readCentres(CENTRES_SEED)) add(out, c, CENTRES_SEED);
  const extra = (process.env.OBS_EXTRA_CENTRES ?? "").split(delimiter).filter((p) => p !== "");
  for (const file of extra) for (const c of readCentres(file)) add(out, c, file);
  for (const c of registered) add(out, c, "registerCentres");
  centres = out;
  return out;
}

/** Make more centres known to this process (rows of the seed's columns, or a CSV file with them). */
export function registerCentres(rows: readonly unknown[] | string): CentreRecord[] {
  const parsed =
    typeof rows === "string" ? readCentres(rows) : rows.map((r) => CentreRecord.parse(r) as CentreRecord);
  registered.push(...parsed);
  centres = undefined;
  nameIndex = undefined;
  return parsed;
}

/** Forget centres registered in-process (tests). */
export function forgetRegisteredCentres(): void {
  registered.length = 0;
  centres = undefined;
  nameIndex = undefined;
}

export const isKnownCentre = (id: string) => centreCatalogue().has(id);

// ---------------------------------------------------------------------------------------------------------
// Recognising a centre in a text
// ---------------------------------------------------------------------------------------------------------

/** A hyphen or a dash, with or without spaces ("Kędzierzyn-Koźle", "Kędzierzyn – Koźle"). */
const flexible = (s: string) =>
  escapeRegExp(s).replace(/\\?-/g, String.raw`\s*[-‐–]\s*`).replace(/\s+/g, String.raw`\s+`);
const withoutPreposition = (s: string) => s.replace(/^(w|we)\s+/i, "");

interface NamePatterns {
  centre: CentreRecord;
  /** Any form of the city's name, as a word. */
  name: RegExp;
  /** The centre's own name: "Ośrodek/Ośrodka Pomocy Społecznej w X", "MOPS w X", "MOPS X". */
  own: RegExp;
}

let nameIndex: NamePatterns[] | undefined;

function patterns(): NamePatterns[] {
  if (nameIndex) return nameIndex;
  nameIndex = [...centreCatalogue().values()].map((centre) => {
    const forms = [centre.name_pl, centre.name_genitive, centre.name_locative]
      .filter((f): f is string => f !== null)
      .map(withoutPreposition);
    // As written or in capitals (headings): "Jaworznie", "JAWORZNIE" — never any case, "Police" is a town.
    const written = forms.flatMap((f) => [f, f.toLocaleUpperCase("pl-PL")]);
    const alternatives = [...new Set(written)].sort((a, b) => b.length - a.length).map(flexible);
    const anyForm = `(?:${alternatives.join("|")})`;
    return {
      centre,
      name: new RegExp(String.raw`(?<![\p{L}\d])${anyForm}(?![\p{L}\d])`, "gu"),
      own: new RegExp(
        String.raw`(?:Pomocy\s+Społecznej|POMOCY\s+SPOŁECZNEJ|MOPS|MOPR|OPS)\s+(?:(?:w|we|W|WE)\s+)?${anyForm}(?![\p{L}\d])`,
        "gu",
      ),
    };
  });
  return nameIndex;
}

export interface CentreRecognition {
  centre: CentreRecord;
  /** How the text names it, for messages: the first form found. */
  evidence: string;
}

/**
 * The centre a text is about: the one whose own name ("… Pomocy Społecznej we Wrocławiu", "MOPS Wrocław")
 * it carries, or else the city named most often. A text naming no known centre, or two equally, has none.
 */
export function recogniseCentre(text: string): CentreRecognition | null {
  const scored = patterns()
    .map((p) => {
      const own = [...text.matchAll(p.own)];
      const names = [...text.matchAll(p.name)];
      const first = own[0]?.[0] ?? names[0]?.[0] ?? "";
      // The centre's own name weighs more than a passing mention of another city.
      return {
        centre: p.centre,
        score: own.length * 10 + names.length,
        evidence: first,
        owned: own.length > 0,
      };
    })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best || (second && second.score === best.score)) return null;
  // A known city named only in passing ("Śląski Urząd Wojewódzki w Katowicach") in a report whose own centre
  // is another ("Miejski Ośrodek Pomocy Społecznej w Bytomiu"): the report is that other centre's.
  if (!best.owned && foreignCentreName(text) !== null) return null;
  return { centre: best.centre, evidence: best.evidence.replace(/\s+/g, " ") };
}

/** Whether a text names a city of the seed in any form ("w Katowicach"), as a centre's or in passing. */
export function namesKnownCity(text: string): boolean {
  return patterns().some((p) => new RegExp(p.name.source, "u").test(text));
}

/**
 * The first social-welfare centre a text names that is no centre of the seed ("Miejskiego Ośrodka Pomocy
 * Społecznej w Bytomiu", "MOPS w Tarnowie"), as written; null when every centre it names is known.
 */
export function foreignCentreName(text: string): string | null {
  const named =
    /(?:Ośrod\p{L}*\s+Pomocy\s+Społecznej|OŚRODK\p{L}*\s+POMOCY\s+SPOŁECZNEJ|MOPS|MOPR|OPS)\s+(?:w|we|W|WE)\s+\p{Lu}\p{L}+(?:\s*[-‐–]\s*\p{Lu}\p{L}+)?/gu;
  for (const m of text.matchAll(named)) {
    const known = patterns().some((p) => new RegExp(p.own.source, "u").test(m[0]));
    if (!known) return m[0].replace(/\s+/g, " ");
  }
  return null;
}

/** The centre of a centre_id; throws for an id no seed names. */
export function centreById(id: string): CentreRecord {
  const c = centreCatalogue().get(id);
  if (!c) throw new Error(`centre ${id} is not in models/seeds/centres.csv`);
  return c;
}
