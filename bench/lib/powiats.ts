// Real powiat names for the synthetic gminas, so the dashboards' map can colour powiats at national
// scale. The generator numbers powiats within a voivodeship (01.., cities with powiat rights 61..);
// each number is given a real powiat of the same voivodeship from the map's outlines
// (dashboards/geo/polska.json): cities to the cities with powiat rights (names written capitalised,
// "Kraków"), other powiats to the land powiats ("krakowski"), in name order, wrapping round when the
// synthetic voivodeship has more powiats than the real one. Deterministic; the gmina type follows TERC.
import { readFileSync } from "node:fs";

const GEO = new URL("../../dashboards/geo/polska.json", import.meta.url);

let cache: Map<string, { cities: string[]; land: string[] }> | null = null;

function powiatsByVoivodeship() {
  if (cache) return cache;
  const geo = JSON.parse(readFileSync(GEO, "utf8")) as {
    powiaty: { features: { properties: { nazwa: string; wojewodztwo: string } }[] };
  };
  cache = new Map();
  for (const { nazwa, wojewodztwo } of geo.powiaty.features.map((f) => f.properties)) {
    const v = cache.get(wojewodztwo) ?? { cities: [], land: [] };
    (/^\p{Lu}/u.test(nazwa) ? v.cities : v.land).push(nazwa);
    cache.set(wojewodztwo, v);
  }
  for (const v of cache.values()) {
    v.cities.sort((a, b) => a.localeCompare(b, "pl"));
    v.land.sort((a, b) => a.localeCompare(b, "pl"));
  }
  return cache;
}

/** The powiat name of a synthetic gmina from its voivodeship and TERC code ("0261011" → a city powiat). */
export function powiatOf(voivodeship: string, teryt: string): string | null {
  const v = powiatsByVoivodeship().get(voivodeship);
  const code = Number(teryt.slice(2, 4));
  if (!v) return null;
  const list = code >= 61 ? v.cities : v.land;
  const index = (code >= 61 ? code - 61 : code - 1) % Math.max(1, list.length);
  return list[index] ?? null;
}

/** The gmina type as models/seeds/centres.csv writes it, from the last digit of TERC. */
export function gminaTypeOf(teryt: string, cityWithPowiatRights: boolean): string | null {
  const kind = teryt.at(-1);
  if (kind === "1")
    return cityWithPowiatRights ? "gmina miejska (miasto na prawach powiatu)" : "gmina miejska";
  return kind === "2" ? "gmina wiejska" : kind === "3" ? "gmina miejsko-wiejska" : null;
}
