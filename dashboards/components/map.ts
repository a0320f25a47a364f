// The map of Poland: voivodeships and powiats (dashboards/geo/polska.json, prepared from PRG by
// dashboards/geo/prepare.ts), and either the centres as circles sized by a figure (few centres) or, at
// national scale, powiats coloured by the figure of their gminas. A missing figure is a hollow grey
// circle (or a hatched powiat), never drawn as zero. Drawn with Plot's geo marks (d3-geo inside Plot),
// from node_modules: nothing is fetched.
import * as Plot from "@observablehq/plot";
import { formatNumber, MISSING } from "./format.js";

type Position = [number, number];
interface GeoFeature<P> {
  type: "Feature";
  properties: P;
  geometry: { type: "MultiPolygon"; coordinates: Position[][][] };
}
interface GeoCollection<P> {
  type: "FeatureCollection";
  features: GeoFeature<P>[];
}
export interface PolandGeo {
  source: string;
  voivodeships: GeoCollection<{ nazwa: string }>;
  powiats: GeoCollection<{ nazwa: string; wojewodztwo: string }>;
}

/** Raw dashboards/geo/polska.json: each ring one flat list of integers, first point then differences. */
interface EncodedGeo {
  encoding: string;
  source: string;
  wojewodztwa: { features: { properties: { nazwa: string }; geometry: number[][][] }[] };
  powiaty: { features: { properties: { nazwa: string; wojewodztwo: string }; geometry: number[][][] }[] };
}

/** polska.json as GeoJSON (MultiPolygons in degrees). */
export function decodeGeo(raw: EncodedGeo): PolandGeo {
  const m = /^delta(\d)$/.exec(raw.encoding);
  if (!m) throw new Error(`polska.json: unknown encoding ${raw.encoding}`);
  const f = 10 ** Number(m[1]);
  const ring = (flat: number[]): Position[] => {
    const out: Position[] = [];
    let x = 0;
    let y = 0;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      x += flat[i] as number;
      y += flat[i + 1] as number;
      out.push([x / f, y / f]);
    }
    return out;
  };
  const collection = <P>(features: { properties: P; geometry: number[][][] }[]): GeoCollection<P> => ({
    type: "FeatureCollection",
    features: features.map((g) => ({
      type: "Feature",
      properties: g.properties,
      geometry: { type: "MultiPolygon", coordinates: g.geometry.map((p) => p.map(ring)) },
    })),
  });
  return {
    source: raw.source,
    voivodeships: collection(raw.wojewodztwa.features),
    powiats: collection(raw.powiaty.features),
  };
}

const fold = (s: string | null | undefined) => (s ?? "").trim().toLocaleLowerCase("pl");

/** The powiat of a centre: by its powiat's name within its voivodeship (names repeat across voivodeships). */
export function findPowiat(
  geo: PolandGeo,
  voivodeship: string | null | undefined,
  powiat: string | null | undefined,
): GeoFeature<{ nazwa: string; wojewodztwo: string }> | undefined {
  if (!powiat) return undefined;
  return geo.powiats.features.find(
    (p) => fold(p.properties.wojewodztwo) === fold(voivodeship) && fold(p.properties.nazwa) === fold(powiat),
  );
}

/** The centroid of the largest ring of a feature (a plain planar centroid: enough at 0.01° and one powiat). */
function centroid(feature: GeoFeature<unknown>): Position {
  let best: { area: number; c: Position } = { area: -1, c: [0, 0] };
  for (const polygon of feature.geometry.coordinates) {
    const outer = polygon[0] ?? [];
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i + 1 < outer.length; i++) {
      const [x0, y0] = outer[i] as Position;
      const [x1, y1] = outer[i + 1] as Position;
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
    if (Math.abs(a) > best.area && a !== 0) best = { area: Math.abs(a), c: [cx / (3 * a), cy / (3 * a)] };
  }
  return best.c;
}

export interface CentrePlace {
  centre_id: string;
  lon: number;
  lat: number;
  /** "powiat" when the point is the centroid of the centre's powiat */
  located: "powiat";
}

/**
 * Where each centre is drawn: the centroid of its powiat (for a city with powiat rights, the city itself;
 * for another gmina, the middle of its powiat). The seed has no coordinates; centres whose powiat is not
 * found are left out (and counted by the caller).
 */
export function placeCentres(
  geo: PolandGeo,
  centres: readonly { centre_id: string; voivodeship?: string | null; powiat?: string | null }[],
): Map<string, CentrePlace> {
  const out = new Map<string, CentrePlace>();
  for (const c of centres) {
    const p = findPowiat(geo, c.voivodeship, c.powiat);
    if (!p) continue;
    const [lon, lat] = centroid(p);
    out.set(c.centre_id, { centre_id: c.centre_id, lon, lat, located: "powiat" });
  }
  return out;
}

export interface MapPoint {
  centre_id: string;
  label: string;
  value: number | null;
  /** e.g. the period of the value, shown beside it ("2013") */
  note?: string | null;
}

export interface MapOptions {
  width: number;
  title: string;
  subtitle?: string;
  /** a value as text, with its unit where it helps */
  format: (v: number) => string;
  /** what the size or colour means, e.g. "liczba rodzin" */
  unit: string;
}

const MISSING_STROKE = "#8a8a8a";
const VALUE_FILL = "#2f6db5";

/** Poland in a transverse Mercator on 19° E (the meridian of the national PUWG 1992 grid). */
const projection = (geo: PolandGeo) => ({
  type: "transverse-mercator" as const,
  rotate: [-19, -52] as [number, number],
  domain: geo.voivodeships,
  inset: 6,
});

function frame(figure: Element, title: string, legend: HTMLElement, note: string): HTMLElement {
  const wrap = document.createElement("div");
  wrap.className = "map chart";
  wrap.dataset.chart = "drawn";
  wrap.setAttribute("aria-label", title);
  wrap.append(figure, legend);
  const source = document.createElement("p");
  source.className = "legend-note";
  source.textContent = note;
  wrap.append(source);
  return wrap;
}

function swatch(svg: string, label: string, key: string): string {
  return `<span class="map-key" data-legend="${key}"><svg width="26" height="26" viewBox="-13 -13 26 26" aria-hidden="true">${svg}</svg>${label}</span>`;
}

/**
 * Labels beside the points, to the east, each with a thin line to its point. Points close together (the
 * Silesian cities are 20–60 km apart) are one cluster: their labels stand in a column east of the
 * cluster, one above the other in the order of the points' latitude, so no label covers another or a
 * circle (the largest circle is about half a degree across).
 */
function labelMarks<T extends { lon: number; lat: number }>(points: readonly T[], text: (p: T) => string) {
  const sorted = [...points].sort((a, b) => b.lat - a.lat);
  const clusters: T[][] = [];
  for (const p of sorted) {
    const near = clusters.find((c) =>
      c.some((q) => Math.abs(q.lon - p.lon) < 1.6 && Math.abs(q.lat - p.lat) < 0.6),
    );
    if (near) near.push(p);
    else clusters.push([p]);
  }
  const placed = clusters.flatMap((c) => {
    const east = Math.max(...c.map((p) => p.lon)) + 0.6;
    const middle = c.reduce((n, p) => n + p.lat, 0) / c.length;
    return c.map((p, i) => ({ ...p, labelLon: east, labelLat: middle + ((c.length - 1) / 2 - i) * 0.3 }));
  });
  return [
    Plot.link(placed, {
      x1: "lon",
      y1: "lat",
      x2: "labelLon",
      y2: "labelLat",
      stroke: "#555",
      strokeWidth: 0.75,
      className: "map-leader",
    }),
    Plot.text(placed, {
      x: "labelLon",
      y: "labelLat",
      text,
      dx: 3,
      textAnchor: "start",
      fontSize: 12,
      stroke: "white",
      strokeWidth: 3,
      fill: "#222",
      className: "map-label",
    }),
  ];
}

/**
 * Centres as circles whose area is proportional to the value; zero a small black cross, a missing value
 * a hollow dashed grey circle. City names and values beside the circles while there are few of them.
 */
export function centresMap(
  geo: PolandGeo,
  points: readonly MapPoint[],
  places: Map<string, CentrePlace>,
  { width, title, subtitle, format, unit }: MapOptions,
): HTMLElement {
  const placed = points
    .filter((p) => places.has(p.centre_id))
    .map((p) => ({ ...p, ...(places.get(p.centre_id) as CentrePlace) }));
  const valued = placed.filter((p) => p.value !== null && p.value > 0);
  const zeros = placed.filter((p) => p.value === 0);
  const missing = placed.filter((p) => p.value === null);
  const max = Math.max(1, ...valued.map((p) => p.value as number));
  const labelled = placed.length <= 20;
  const text = (p: (typeof placed)[number]) =>
    `${p.label}: ${p.value === null ? MISSING : format(p.value)}${p.note ? ` (${p.note})` : ""}`;
  const height = Math.round(Math.min(width, 640) * 0.95);
  const figure = Plot.plot({
    width: Math.min(width, 640),
    height,
    title,
    subtitle,
    projection: projection(geo),
    r: { type: "sqrt", domain: [0, max], range: [0, 26] },
    marks: [
      Plot.geo(geo.powiats, {
        fill: "#f4f4f1",
        stroke: "#c9c9c4",
        strokeWidth: 0.5,
        className: "map-powiat",
        title: (d: GeoFeature<{ nazwa: string; wojewodztwo: string }>) =>
          `powiat ${d.properties.nazwa} (${d.properties.wojewodztwo})`,
      }),
      Plot.geo(geo.voivodeships, { stroke: "#6d6d6d", strokeWidth: 1, className: "map-voivodeship" }),
      Plot.dot(valued, {
        x: "lon",
        y: "lat",
        r: "value",
        fill: VALUE_FILL,
        fillOpacity: 0.75,
        stroke: "white",
        className: "map-centre map-centre-value",
        title: text,
        sort: { channel: "-r" },
      }),
      Plot.dot(zeros, {
        x: "lon",
        y: "lat",
        r: 5,
        symbol: "times",
        stroke: "black",
        strokeWidth: 2,
        className: "map-centre map-centre-zero",
        title: text,
      }),
      Plot.dot(missing, {
        x: "lon",
        y: "lat",
        r: 7,
        fill: "white",
        stroke: MISSING_STROKE,
        strokeWidth: 1.5,
        strokeDasharray: "3,2",
        className: "map-centre map-centre-missing",
        title: text,
      }),
      ...(labelled ? labelMarks(placed, text) : []),
    ],
  });
  const unplaced = points.length - placed.length;
  const legend = document.createElement("div");
  legend.className = "map-legend";
  const r = (v: number) => Math.max(2, Math.sqrt(v / max) * 11);
  legend.innerHTML = [
    swatch(
      `<circle r="${r(max)}" fill="${VALUE_FILL}" fill-opacity="0.75" stroke="white"/>`,
      `${unit}: pole koła proporcjonalne do wartości (największa: ${format(max)})`,
      "wartosc",
    ),
    swatch(
      `<path d="M-5,-5L5,5M5,-5L-5,5" stroke="black" stroke-width="2"/>`,
      "zero (sprawozdanie podaje 0)",
      "zero",
    ),
    swatch(
      `<circle r="7" fill="white" stroke="${MISSING_STROKE}" stroke-width="1.5" stroke-dasharray="3,2"/>`,
      `${MISSING} (sprawozdanie nie podaje tej liczby – to nie jest zero)`,
      "brak-danych",
    ),
  ].join("");
  return frame(
    figure,
    title,
    legend,
    `Punkt ośrodka to środek jego powiatu (dla miasta na prawach powiatu – miasto; sprawozdania nie podają współrzędnych).${unplaced > 0 ? ` ${formatNumber(unplaced)} ośrodków bez powiatu w rejestrze – nie na mapie.` : ""} ${geo.source}`,
  );
}

export interface AreaValue {
  voivodeship: string | null;
  powiat: string | null;
  value: number | null;
  /** the residents behind the value (a population of the value's date), for a rate per 10,000 */
  residents?: number | null;
  /** when the row already sums several centres: how many, and how many of them report the figure */
  centres?: number;
  reporting?: number;
}

/**
 * An area's figure as a rate per 10,000 residents: the sum of its centres' counts over the sum of their
 * residents, only centres with both (a powiat of a large city and of small gminas compare; a sum would
 * colour the populous powiats). Null where no centre of the area has a population of the value's date.
 */
export function areaRate(rows: readonly AreaValue[]): number | null {
  const rated = rows.filter((r) => r.value !== null && r.residents != null && r.residents > 0);
  if (rated.length === 0) return null;
  const residents = rated.reduce((n, r) => n + (r.residents as number), 0);
  return (10_000 * rated.reduce((n, r) => n + (r.value as number), 0)) / residents;
}

/** An area's figure as the median of its centres' values (for figures that are not counts of people). */
export function areaMedian(rows: readonly AreaValue[]): number | null {
  const values = rows
    .map((r) => r.value)
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  if (values.length === 0) return null;
  const mid = Math.floor(values.length / 2);
  return values.length % 2
    ? (values[mid] as number)
    : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
}

/**
 * Powiats (or, when the centres carry no powiat, voivodeships) coloured by `aggregate` of their centres'
 * rows (those with a value; e.g. areaRate, areaMedian). An area whose centres all lack the figure, or
 * whose aggregate is null (no population for a rate), is hatched grey ("brak danych"); an area with no
 * centre in the data is left blank.
 */
export function areaMap(
  geo: PolandGeo,
  rows: readonly AreaValue[],
  {
    width,
    title,
    subtitle,
    format,
    unit,
    aggregate,
    missingNote = "żaden ośrodek obszaru nie podaje tej liczby (to nie jest zero)",
  }: MapOptions & {
    aggregate: (rows: readonly AreaValue[]) => number | null;
    /** what "brak danych" means on this map, after the area's name */
    missingNote?: string;
  },
): HTMLElement {
  const byPowiat = rows.some((r) => findPowiat(geo, r.voivodeship, r.powiat));
  const keyOf = (v: string | null | undefined, p: string | null | undefined) =>
    byPowiat ? `${fold(v)}|${fold(p)}` : fold(v);
  const groups = new Map<string, { rows: AreaValue[]; centres: number; reporting: number }>();
  for (const r of rows) {
    const k = keyOf(r.voivodeship, r.powiat);
    const g = groups.get(k) ?? { rows: [], centres: 0, reporting: 0 };
    g.centres += r.centres ?? 1;
    g.reporting += r.reporting ?? (r.value !== null ? 1 : 0);
    if (r.value !== null) g.rows.push(r);
    groups.set(k, g);
  }
  const areas = (
    byPowiat
      ? geo.powiats.features.map((f) => ({ f, k: keyOf(f.properties.wojewodztwo, f.properties.nazwa) }))
      : geo.voivodeships.features.map((f) => ({ f, k: keyOf(f.properties.nazwa, null) }))
  ).map(({ f, k }) => {
    const g = groups.get(k);
    return {
      ...f,
      value: g && g.rows.length > 0 ? aggregate(g.rows) : null,
      centres: g?.centres ?? 0,
      reporting: g?.reporting ?? 0,
    };
  });
  const name = (a: (typeof areas)[number]) =>
    byPowiat
      ? `powiat ${a.properties.nazwa} (${(a.properties as { wojewodztwo?: string }).wojewodztwo})`
      : `województwo ${a.properties.nazwa}`;
  const tip = (a: (typeof areas)[number]) =>
    `${name(a)}: ${a.value === null ? MISSING : format(a.value)}${a.centres > 0 ? ` – ${formatNumber(a.reporting)} z ${formatNumber(a.centres)} ośrodków podaje tę liczbę` : " – brak ośrodków w danych"}`;
  const valued = areas.filter((a) => a.value !== null);
  const missing = areas.filter((a) => a.value === null && a.centres > 0);
  const figure = Plot.plot({
    width: Math.min(width, 640),
    height: Math.round(Math.min(width, 640) * 0.95),
    title,
    subtitle,
    projection: projection(geo),
    // format(v) alone: Plot calls a tickFormat with the tick's index too, which formatDecimal would take for
    // its number of digits ("326,3", "356,54", "397,338" on one legend)
    color: {
      type: "quantile",
      n: 5,
      scheme: "blues",
      legend: true,
      label: unit,
      tickFormat: (v: number) => format(v),
    },
    marks: [
      Plot.geo(areas, { fill: "white", stroke: "#d0d0cc", strokeWidth: 0.4 }),
      Plot.geo(valued, {
        fill: "value",
        stroke: "#ffffff",
        strokeWidth: 0.4,
        className: "map-area map-area-value",
        title: tip,
      }),
      Plot.geo(missing, {
        fill: "url(#map-hatch)",
        stroke: MISSING_STROKE,
        strokeWidth: 0.4,
        className: "map-area map-area-missing",
        title: tip,
      }),
      Plot.geo(geo.voivodeships, { stroke: "#4d4d4d", strokeWidth: 1, className: "map-voivodeship" }),
    ],
  });
  // the hatching of "brak danych" (Plot draws no patterns itself)
  const svgs = figure.tagName.toLowerCase() === "svg" ? [figure] : [...figure.querySelectorAll("svg")];
  const mapSvg = svgs.at(-1);
  if (mapSvg)
    mapSvg.insertAdjacentHTML(
      "afterbegin",
      `<defs><pattern id="map-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#eeeeee"/><line x1="0" y1="0" x2="0" y2="6" stroke="${MISSING_STROKE}" stroke-width="1.5"/></pattern></defs>`,
    );
  const legend = document.createElement("div");
  legend.className = "map-legend";
  legend.innerHTML = [
    swatch(
      `<rect x="-9" y="-9" width="18" height="18" fill="url(#map-hatch-legend)" stroke="${MISSING_STROKE}"/><defs><pattern id="map-hatch-legend" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#eeeeee"/><line x1="0" y1="0" x2="0" y2="6" stroke="${MISSING_STROKE}" stroke-width="1.5"/></pattern></defs>`,
      `${MISSING}: ${missingNote}`,
      "brak-danych",
    ),
    swatch(
      `<rect x="-9" y="-9" width="18" height="18" fill="white" stroke="#d0d0cc"/>`,
      "brak ośrodków w danych",
      "bez-osrodkow",
    ),
  ].join("");
  return frame(
    figure,
    title,
    legend,
    `${byPowiat ? "Powiaty" : "Województwa (ośrodki nie mają w rejestrze powiatu)"}: ${formatNumber(valued.length)} z wartością, ${formatNumber(missing.length)} bez danych. ${geo.source}`,
  );
}
