// One centre's data file (centre/<centre_id>.json in the published data, written by
// data/centre/[centre].json.ts): the city page loads it; other pages fetch it only when a reader asks
// "skąd ta liczba?", so no page ships the figures (and quotes) of every centre.
import { html } from "htl";
import type { Observation } from "./figures.js";
import { placeCard, provenance } from "./provenance.js";
import { loadData } from "./published-data.js";

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

/**
 * One published JSON file of the dashboards' data (centre/<id>.json, series/<kind>/<slug>.json,
 * reasons/<id>.json, quality/<id>.json), once per page: components/published-data.ts.
 */
export const siteJson = <T>(path: string): Promise<T> => loadData<T>(path.replace(/^data\//, ""));

/** One centre's file: its figures with provenance, documents, norms and findings. */
export const loadCentre = (centreId: string) =>
  siteJson<CentreData>(`data/centre/${encodeURIComponent(centreId)}.json`);

/** One series (metric × breakdown) and kind of period across centres (data/series-files.ts). */
export interface SeriesFile {
  slug: string;
  kind: string;
  metric_id: string;
  breakdown: string | null;
  rows: {
    centre_id: string;
    centre_name: string;
    period_id: string;
    period_kind: string;
    year: number;
    period_label: string;
    value: number | null;
    flags: string[];
    is_corrected: boolean;
    as_of_date: string | null;
    /** the figure's rate per 10,000 residents (marts.rates); null where no population of its date exists */
    rate_per_10k: number | null;
    /** the rate's formula and population source ("291 / 293 000 × 10 000 (ludność: …)") */
    rate_note: string | null;
  }[];
}

/** One centre's reasons for assistance (data/reasons/[centre].json.ts). */
export const loadReasons = (centreId: string) =>
  siteJson<Record<string, unknown>[]>(`data/reasons/${encodeURIComponent(centreId)}.json`);

export const loadSeries = (slug: string, kind: string) =>
  siteJson<SeriesFile>(`data/series/${encodeURIComponent(kind)}/${encodeURIComponent(slug)}.json`);

/** A series file's rows as figures: centre, period, value, flags, corrected, as_of_date, rate per 10,000. */
export function seriesRows(file: SeriesFile, _centres?: { centre_id: string; name_pl: string }[]) {
  return file.rows.map((r) => ({ ...r, metric_id: file.metric_id, breakdown: file.breakdown }));
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
