// One centre's data file (data/centre/<centre_id>.json, written by data/centre/[centre].json.ts): the city
// page loads it as a FileAttachment; other pages fetch it only when a reader asks "skąd ta liczba?", so no
// page ships the figures (and quotes) of every centre.
import { html } from "htl";
import type { Observation } from "./figures.js";
import { placeCard, provenance } from "./provenance.js";

export interface CentreDocument {
  document_id: string;
  kind: string | null;
  title: string | null;
  file_name: string | null;
  periods: string[] | null;
  issued_on: string | null;
  observation_count: number | null;
  loaded_at: string | null;
  is_current: boolean;
}

export interface CentreData {
  centre: {
    centre_id: string;
    name_pl: string;
    centre_name_pl: string;
    teryt: string;
    voivodeship: string;
    /** place in the list of all centres by centre_id, as data/centres.json (the city's fixed colour) */
    index: number;
    centres: number;
  };
  observations: Omit<Observation, "centre_name" | "document_title" | "file_name" | "issued_on">[];
  documents: CentreDocument[];
  staffing: Record<string, unknown>[];
  /** rates per 10,000 residents of this centre's counts (marts.rates), only where a population exists */
  rates?: Record<string, unknown>[];
  quality: Record<string, unknown>[];
  /** metrics other centres report with a value and this centre never does */
  absent: { metric_id: string; metric_label: string }[];
}

/** The centre's figures with the centre name and their document (title, file, date) joined back. */
export function figuresOf(data: CentreData): Observation[] {
  const docs = new Map(data.documents.map((d) => [d.document_id, d]));
  return data.observations.map((o) => {
    const d = docs.get(o.document_id);
    return {
      ...o,
      centre_name: data.centre.name_pl,
      document_title: d?.title ?? null,
      file_name: d?.file_name ?? null,
      issued_on: d?.issued_on ?? null,
    };
  });
}

const loaded = new Map<string, Promise<unknown>>();

/**
 * Fetch a JSON file the build copies to the site under a fixed name (observablehq.config.ts dynamicPaths:
 * data/centre/<id>.json, data/series/<slug>.json), once per page. Components are served from
 * <site>/_import/components/, so the site root is two levels up.
 */
export function siteJson<T>(path: string): Promise<T> {
  let p = loaded.get(path) as Promise<T> | undefined;
  if (!p) {
    p = fetch(new URL(`../../${path}`, import.meta.url)).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json() as Promise<T>;
    });
    loaded.set(path, p);
    p.catch(() => loaded.delete(path));
  }
  return p;
}

/** One centre's file: its figures with provenance, documents, norms and findings. */
export const loadCentre = (centreId: string) =>
  siteJson<CentreData>(`data/centre/${encodeURIComponent(centreId)}.json`);

/** One series (metric × breakdown) and kind of period across centres, compact (data/series.tar.ts). */
export interface SeriesFile {
  slug: string;
  kind: string;
  metric_id: string;
  breakdown: string | null;
  periods: {
    period_id: string;
    period_kind: string;
    year: number;
    period_label: string;
    as_of_date: string | null;
  }[];
  flagsets: string[][];
  /** [centre index, period index, value, flag-set index = 0, corrected 0/1 = 0, as_of_date = the period's] */
  rows: [number, number, number | null, number?, number?, (string | null)?][];
  /** each row's rate per 10,000 residents (marts.rates), aligned with rows; absent when none has one */
  rates?: (number | null)[];
  /** each row's index in rate_texts: the rate's formula and population source ("291 / 293 000 × 10 000 (…)") */
  rate_notes?: (number | null)[];
  rate_texts?: string[];
}

/** One centre's reasons for assistance (data/reasons/[centre].json.ts). */
export const loadReasons = (centreId: string) =>
  siteJson<Record<string, unknown>[]>(`data/reasons/${encodeURIComponent(centreId)}.json`);

export const loadSeries = (slug: string, kind: string) =>
  siteJson<SeriesFile>(`data/series/${encodeURIComponent(kind)}/${encodeURIComponent(slug)}.json`);

/** A series file's rows as figures: centre, period, value, flags, corrected, as_of_date. */
export function seriesRows(file: SeriesFile, centres: { centre_id: string; name_pl: string }[]) {
  return file.rows.map(([c, p, value, f = 0, corrected = 0, ...asOf], i) => {
    const period = file.periods[p] as SeriesFile["periods"][number];
    return {
      centre_id: centres[c]?.centre_id as string,
      centre_name: centres[c]?.name_pl as string,
      ...period,
      metric_id: file.metric_id,
      breakdown: file.breakdown,
      value,
      flags: file.flagsets[f] ?? [],
      is_corrected: corrected === 1,
      as_of_date: asOf.length > 0 ? (asOf[0] ?? null) : period.as_of_date,
      rate_per_10k: file.rates?.[i] ?? null,
      rate_note: file.rate_texts?.[file.rate_notes?.[i] ?? -1] ?? null,
    };
  });
}

/** Which figure(s) a number on a page was read from: its centre, period, metric, breakdown (and line). */
export interface FigureKey {
  centre_id: string;
  period_id: string;
  metric_id: string;
  breakdown?: string | null;
  line?: number | null;
  observation_id?: string | null;
  /**
   * A derived figure (a ratio, a rate, a harmonised total, year − H1): the formula it was computed by
   * ("412 − 209") and the ids of the figures it came from, each shown with its own source. Ids that are no
   * figure of a report (an official GUS figure, "bdl:<variable>:<unit>:<year>") are named by `official_pl`.
   */
  formula?: string | null;
  source_ids?: string[] | null;
  official_pl?: string | null;
}

const matches = (o: Observation, k: FigureKey) =>
  k.source_ids
    ? k.source_ids.includes(o.observation_id)
    : k.observation_id
      ? o.observation_id === k.observation_id
      : o.period_id === k.period_id &&
        o.metric_id === k.metric_id &&
        (o.breakdown ?? null) === (k.breakdown ?? null) &&
        (k.line == null || o.line === k.line);

/**
 * "skąd ta liczba?" that loads its source when opened: the document, line and quote of the figure(s), fetched
 * from the centre's file. With `text`, the number itself is the summary (as valueWithSource).
 */
export function sourceOnDemand(text: string | null, key: FigureKey): HTMLElement {
  const box =
    html`<details class="skad"><summary>${text ?? "skąd ta liczba?"}</summary><div class="skad-body"><span class="legend-note">Wczytywanie źródła…</span></div></details>` as HTMLDetailsElement;
  if (text !== null) {
    box.classList.add("value");
    placeCard(box);
    const summary = box.querySelector("summary");
    if (summary) summary.title = "skąd ta liczba?";
  }
  let state: "idle" | "loading" | "done" = "idle";
  box.addEventListener("toggle", async () => {
    if (!box.open || state !== "idle") return;
    state = "loading";
    const body = box.querySelector(".skad-body") as HTMLElement;
    try {
      const rows = figuresOf(await loadCentre(key.centre_id)).filter((o) => matches(o, key));
      const ids = key.source_ids ?? [];
      rows.sort((a, b) => ids.indexOf(a.observation_id) - ids.indexOf(b.observation_id));
      const official = ids.filter((id) => id.startsWith("bdl:"));
      const derivation = key.formula
        ? [
            html`<div class="src">Wartość wyliczona: <strong>${key.formula}</strong>${
              rows.length + official.length > 0 ? " z liczb:" : ""
            }</div>`,
            ...official.map(
              (id) =>
                html`<div class="src">${key.official_pl ?? "GUS, Bank Danych Lokalnych"} (<code>${id}</code>)</div>`,
            ),
          ]
        : [];
      body.replaceChildren(
        ...derivation,
        ...(rows.length === 0 && derivation.length > 0
          ? []
          : rows.length === 0
            ? [html`<span class="missing">brak danych o źródle</span>`]
            : rows.map((o) => {
                // the body of the eager box, without its .skad-body wrapper (that one is the card itself)
                const source = document.createElement("div");
                source.className = "skad-source";
                source.append(...(provenance(o).querySelector(".skad-body")?.childNodes ?? []));
                return source;
              })),
      );
      state = "done";
    } catch (e) {
      body.replaceChildren(
        html`<span class="missing">Nie udało się wczytać źródła (${(e as Error).message}). Zamknij i otwórz ponownie.</span>`,
      );
      state = "idle";
    }
  });
  return box;
}
