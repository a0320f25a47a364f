import { centreCatalogue } from "../../sources/lib/centres.ts";
import { between, intBetween, logNormal, pick, streamFor } from "./random.ts";

/** A synthetic gmina: TERYT-like id, a Polish-looking name in three cases, a population. */
export interface Gmina {
  /** centre_id in the warehouse: "g" + the seven-digit TERC code (e.g. g0201011). */
  centreId: string;
  teryt: string;
  voivodeship: string;
  /** Nominative, genitive and locative: "Dąbrowice Górne", "Dąbrowic Górnych", "Dąbrowicach Górnych". */
  name: string;
  nameGen: string;
  nameLoc: string;
  /** 1 urban, 2 rural, 3 urban-rural (the last digit of TERC). */
  kind: 1 | 2 | 3;
  population: number;
  /** Share of residents in families on social assistance (drives every family count). */
  assistanceRate: number;
}

/** Voivodeships with their TERYT code and real number of gminas (sums to 2,477). */
export const VOIVODESHIPS: readonly [code: string, name: string, gminas: number][] = [
  ["02", "dolnośląskie", 169],
  ["04", "kujawsko-pomorskie", 144],
  ["06", "lubelskie", 213],
  ["08", "lubuskie", 82],
  ["10", "łódzkie", 177],
  ["12", "małopolskie", 182],
  ["14", "mazowieckie", 314],
  ["16", "opolskie", 71],
  ["18", "podkarpackie", 160],
  ["20", "podlaskie", 118],
  ["22", "pomorskie", 123],
  ["24", "śląskie", 167],
  ["26", "świętokrzyskie", 102],
  ["28", "warmińsko-mazurskie", 116],
  ["30", "wielkopolskie", 226],
  ["32", "zachodniopomorskie", 113],
];
export const NATIONAL_GMINAS = VOIVODESHIPS.reduce((n, v) => n + v[2], 0);

const STEMS = [
  "Bor",
  "Dąbr",
  "Les",
  "Brzez",
  "Grab",
  "Kal",
  "Łęk",
  "Mił",
  "Ost",
  "Piask",
  "Rud",
  "Sos",
  "Wol",
  "Zabł",
  "Kras",
  "Gorz",
  "Chełm",
  "Jaz",
  "Lip",
  "Mokr",
  "Olsz",
  "Rad",
  "Star",
  "Trzcin",
  "Wierzb",
  "Biał",
  "Czarn",
  "Głog",
  "Kozł",
  "Mak",
];
const MIDDLES = ["ow", "an", "in", "isz", "ost", "en", "el", "ar", "ol"];
const SUFFIXES: readonly [string, string][] = [
  ["", ""],
  ["", ""],
  ["", ""],
  [" Wielkie", " Wielkich"],
  [" Małe", " Małych"],
  [" Górne", " Górnych"],
  [" Dolne", " Dolnych"],
  [" Stare", " Starych"],
  [" Nowe", " Nowych"],
];

/**
 * Every gmina of the synthetic country, deterministic for a seed, in an order that interleaves the
 * voivodeships (so `--scale 50` still spans all of them). The first `scale` are used. A TERYT code of a
 * real centre of the project (models/seeds/centres.csv, e.g. Kędzierzyn-Koźle 1603011) is never given to
 * a synthetic gmina: one code names one centre, and the benchmark registers its gminas beside the seed's.
 */
export function generateGminas(
  seed: number,
  scale: number,
  reserved: ReadonlySet<string> = new Set([...centreCatalogue().values()].map((c) => c.teryt)),
): Gmina[] {
  const perVoivodeship: Gmina[][] = VOIVODESHIPS.map(([code, voivodeship, count]) => {
    const r = streamFor(seed, `voivodeship|${code}`);
    const out: Gmina[] = [];
    // Cities with county rights come first (powiat codes 61+), then ordinary powiats of 3–12 gminas.
    const cities = Math.max(1, Math.round(count / 60));
    const free = (p: number, g: number, kind: 1 | 2 | 3) => !reserved.has(terytOf(code, p, g, kind));
    for (let c = 0, p = 61; c < cities && out.length < count; c++, p++) {
      while (!free(p, 1, 1)) p++;
      out.push(makeGmina(seed, code, voivodeship, p, 1, 1));
    }
    let powiat = 1;
    while (out.length < count) {
      const size = Math.min(intBetween(r, 3, 12), count - out.length);
      // the gmina's number within its powiat; a reserved code is skipped (no extra random draw: the
      // rest of the country stays as it was)
      let number = 0;
      for (let g = 1; g <= size; g++) {
        const kind = pick(r, [1, 2, 2, 2, 3, 3] as const);
        number++;
        while (!free(powiat, number, kind)) number++;
        out.push(makeGmina(seed, code, voivodeship, powiat, number, kind));
      }
      powiat++;
    }
    // Shuffled (seeded), so the first gminas of a small --scale are a mix of cities and villages.
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [out[i], out[j]] = [out[j] as Gmina, out[i] as Gmina];
    }
    return out;
  });
  const all: Gmina[] = [];
  for (let i = 0; all.length < NATIONAL_GMINAS; i++) {
    for (const list of perVoivodeship) {
      const g = list[i];
      if (g) all.push(g);
    }
  }
  if (scale > all.length) throw new Error(`--scale ${scale}: the synthetic country has ${all.length} gminas`);
  return all.slice(0, scale);
}

const terytOf = (voivodeshipCode: string, powiat: number, gmina: number, kind: number) =>
  `${voivodeshipCode}${String(powiat).padStart(2, "0")}${String(gmina).padStart(2, "0")}${kind}`;

function makeGmina(
  seed: number,
  voivodeshipCode: string,
  voivodeship: string,
  powiat: number,
  gmina: number,
  kind: 1 | 2 | 3,
): Gmina {
  const teryt = terytOf(voivodeshipCode, powiat, gmina, kind);
  const r = streamFor(seed, `gmina|${teryt}`);
  const stem = pick(r, STEMS) + pick(r, MIDDLES) + (r() < 0.3 ? pick(r, STEMS).toLowerCase() : "");
  const [suffix, suffixGen] = powiat >= 61 ? (["", ""] as const) : pick(r, SUFFIXES);
  const city = powiat >= 61;
  const population = Math.round(
    Math.max(
      1200,
      Math.min(
        1_900_000,
        city
          ? logNormal(r, 140_000, 0.8)
          : kind === 1
            ? logNormal(r, 16_000, 0.7)
            : kind === 3
              ? logNormal(r, 12_000, 0.5)
              : logNormal(r, 6_500, 0.45),
      ),
    ),
  );
  return {
    centreId: `g${teryt}`,
    teryt,
    voivodeship,
    name: `${stem}ice${suffix}`,
    nameGen: `${stem}ic${suffixGen}`,
    nameLoc: `${stem}icach${suffixGen}`,
    kind,
    population,
    assistanceRate: between(r, 0.012, 0.055),
  };
}
