// Prepares the outlines the map draws (dashboards/geo/polska.json) from the PRG-derived GeoJSON in
// ../shared/geo/ (MIT, LICENSE-polska-geojson beside the output). Run once when the source changes:
//
//   npx tsx dashboards/geo/prepare.ts [--from ../shared/geo] [--digits 2] [--step 0.03]
//
// Why: the source is 530 kB of 0.0001° coordinates; a map of Poland a page wide needs about 0.01°
// (≈ 1 km, under a pixel), so the coordinates are rounded and points closer than 0.03° (≈ 2 km, about
// 2 px on a page-wide map) to the last one kept are dropped. The source has
// names only and powiat names repeat across voivodeships ("powiat brzeski" is in opolskie and
// małopolskie), so each powiat is given its voivodeship by geometry (the voivodeship containing the
// powiat's centroid), checked against the official 380 powiats in 16 voivodeships.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { geoArea, geoCentroid, geoContains } from "d3";
import { z } from "zod";

const HERE = dirname(fileURLToPath(import.meta.url));

const Position = z.tuple([z.number(), z.number()]);
const Ring = z.array(Position);
const Geometry = z.discriminatedUnion("type", [
  z.object({ type: z.literal("Polygon"), coordinates: z.array(Ring) }),
  z.object({ type: z.literal("MultiPolygon"), coordinates: z.array(z.array(Ring)) }),
]);
const Source = z.object({
  type: z.literal("FeatureCollection"),
  features: z.array(
    z.object({
      type: z.literal("Feature"),
      geometry: Geometry,
      properties: z.object({ id: z.number(), nazwa: z.string() }),
    }),
  ),
});
type Geometry = z.infer<typeof Geometry>;
type Position = z.infer<typeof Position>;

/** Powiats per voivodeship in the official division (GUS TERYT, 2026): the check of the assignment. */
const POWIATS_PER_VOIVODESHIP: Record<string, number> = {
  dolnośląskie: 30,
  "kujawsko-pomorskie": 23,
  lubelskie: 24,
  lubuskie: 14,
  łódzkie: 24,
  małopolskie: 22,
  mazowieckie: 42,
  opolskie: 12,
  podkarpackie: 25,
  podlaskie: 17,
  pomorskie: 20,
  śląskie: 36,
  świętokrzyskie: 14,
  "warmińsko-mazurskie": 21,
  wielkopolskie: 35,
  zachodniopomorskie: 21,
};

/**
 * Coordinates rounded to `digits` decimals, and a point dropped while it lies within `step` degrees of the
 * last one kept (the ring's last point always stays, closing it); a ring too small to survive is dropped.
 */
function simplifyRing(ring: Position[], digits: number, step: number): Position[] | null {
  const f = 10 ** digits;
  const out: Position[] = [];
  ring.forEach(([x, y], i) => {
    const p: Position = [Math.round(x * f) / f, Math.round(y * f) / f];
    const last = out.at(-1);
    const closing = i === ring.length - 1;
    if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= (closing ? 1e-9 : step)) out.push(p);
  });
  // a closed ring needs at least three distinct corners plus the closing point
  return out.length >= 4 ? out : null;
}

function simplify(g: Geometry, digits: number, step: number): Geometry {
  const polygon = (rings: Position[][]) => {
    const kept = rings.map((r) => simplifyRing(r, digits, step));
    // a polygon whose outer ring vanished vanishes; lost holes just go
    return kept[0] ? (kept.filter(Boolean) as Position[][]) : null;
  };
  if (g.type === "Polygon") return { type: "Polygon", coordinates: polygon(g.coordinates) ?? g.coordinates };
  const parts = g.coordinates.map(polygon).filter((p): p is Position[][] => p !== null);
  return { type: "MultiPolygon", coordinates: parts.length ? parts : g.coordinates };
}

/**
 * d3-geo takes the smaller side of a ring as its inside (spherical winding). Rings written the other way
 * round would cover the whole globe but Poland; reverse those.
 */
function rewind(g: Geometry): Geometry {
  const feature = { type: "Feature" as const, properties: {}, geometry: g };
  if (geoArea(feature) <= 2 * Math.PI) return g;
  const rev = (rings: Position[][]) => rings.map((r) => [...r].reverse());
  return g.type === "Polygon"
    ? { type: "Polygon", coordinates: rev(g.coordinates) }
    : { type: "MultiPolygon", coordinates: g.coordinates.map(rev) };
}

/**
 * Each ring as one flat list of integers: the first point in 1/10^digits degrees, then the differences
 * from the previous point (mostly one or two digits): a third of the bytes of plain GeoJSON.
 * dashboards/components/map.ts decodes it (decodeGeometry).
 */
function encode(g: Geometry, digits: number) {
  const f = 10 ** digits;
  const ring = (r: Position[]) => {
    const out: number[] = [];
    let px = 0;
    let py = 0;
    for (const [x, y] of r) {
      const ix = Math.round(x * f);
      const iy = Math.round(y * f);
      out.push(ix - px, iy - py);
      px = ix;
      py = iy;
    }
    return out;
  };
  const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  return polygons.map((rings) => rings.map(ring));
}

export function prepare(fromDir: string, digits: number, step: number) {
  const read = (name: string) => Source.parse(JSON.parse(readFileSync(join(fromDir, name), "utf8")));
  const voivodeships = read("wojewodztwa-min.geojson").features.map((f) => ({
    type: "Feature" as const,
    properties: { nazwa: f.properties.nazwa },
    geometry: rewind(f.geometry),
  }));
  const powiats = read("powiaty-min.geojson").features.map((f) => {
    const geometry = rewind(f.geometry);
    const centre = geoCentroid({ type: "Feature", properties: {}, geometry });
    const inside = voivodeships.filter((v) => geoContains(v, centre));
    if (inside.length !== 1)
      throw new Error(`${f.properties.nazwa}: centroid in ${inside.length} voivodeships, expected 1`);
    return {
      type: "Feature" as const,
      properties: {
        // "powiat Kraków" → "Kraków", "powiat brzeski" → "brzeski": the form models/seeds/centres.csv uses
        nazwa: f.properties.nazwa.replace(/^powiat\s+/, ""),
        wojewodztwo: inside[0]?.properties.nazwa as string,
      },
      geometry,
    };
  });
  const counts = new Map<string, number>();
  for (const p of powiats)
    counts.set(p.properties.wojewodztwo, (counts.get(p.properties.wojewodztwo) ?? 0) + 1);
  for (const [v, n] of Object.entries(POWIATS_PER_VOIVODESHIP)) {
    if (counts.get(v) !== n) throw new Error(`${v}: ${counts.get(v) ?? 0} powiats assigned, expected ${n}`);
  }
  const names = new Set<string>();
  for (const p of powiats) {
    const key = `${p.properties.wojewodztwo}|${p.properties.nazwa}`;
    if (names.has(key)) throw new Error(`two powiats named ${key}`);
    names.add(key);
  }
  const collection = <T>(features: T[]) => ({ type: "FeatureCollection" as const, features });
  return {
    encoding: `delta${digits}`,
    source:
      "Granice województw i powiatów: Państwowy Rejestr Granic (PRG) w opracowaniu „polska-geojson” (P. Patrzyk, licencja MIT); uproszczone (punkty co ok. 0,03°).",
    wojewodztwa: collection(
      voivodeships.map((v) => ({ ...v, geometry: encode(simplify(v.geometry, digits, step), digits) })),
    ),
    powiaty: collection(
      powiats.map((p) => ({ ...p, geometry: encode(simplify(p.geometry, digits, step), digits) })),
    ),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      from: { type: "string", default: resolve(HERE, "../../../shared/geo") },
      digits: { type: "string", default: "2" },
      step: { type: "string", default: "0.03" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "npx tsx dashboards/geo/prepare.ts [--from DIR] [--digits N] [--step DEG]\n" +
        "Writes dashboards/geo/polska.json (voivodeships and powiats, coordinates rounded to N decimals,\n" +
        "a point kept when at least DEG degrees from the last one kept) from\n" +
        "DIR/wojewodztwa-min.geojson and DIR/powiaty-min.geojson, and copies DIR/LICENSE-polska-geojson.",
    );
    process.exit(0);
  }
  const from = resolve(values.from);
  const out = prepare(from, Number(values.digits), Number(values.step));
  const text = JSON.stringify(out);
  writeFileSync(join(HERE, "polska.json"), `${text}\n`);
  writeFileSync(join(HERE, "LICENSE-polska-geojson"), readFileSync(join(from, "LICENSE-polska-geojson")));
  console.log(`dashboards/geo/polska.json: ${out.powiaty.features.length} powiats, ${text.length} bytes`);
}
