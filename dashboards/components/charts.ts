// Charts: functions (data, options) → element. They never load data; titles carry unit and period; numbers
// are Polish; a missing value is written "brak danych" where its bar would be, never drawn as 0.
import * as Plot from "@observablehq/plot";
import { DERIVED_COLOR, NORM_COLOR, PALETTE, READ_COLOR } from "./colors.js";
import { chartExportBar } from "./export.js";
import {
  formatDecimal,
  formatNumber,
  formatPercent,
  formatPeriodShort,
  MISSING,
  periodOrder,
} from "./format.js";
import { notePl } from "./polish.js";
import { type Provenance, provenanceText } from "./provenance.js";

export interface ChartOptions {
  width: number;
  title: string;
  subtitle?: string;
  caption?: string;
}

type ColorScale = { domain: string[]; range: string[] };

const periodsOf = (rows: { period_id: string }[]) =>
  [...new Set(rows.map((r) => r.period_id))].sort((a, b) => periodOrder(a) - periodOrder(b));

const tip = (lines: (string | null | undefined | false)[]) => lines.filter(Boolean).join("\n");

/** Mark a drawn chart and give it its downloads (data as CSV, the chart as PNG and SVG). */
function labelled(figure: SVGSVGElement | HTMLElement, title: string, rows: readonly object[]): HTMLElement {
  const el = figure as HTMLElement;
  el.classList.add("chart");
  el.setAttribute("aria-label", title);
  el.dataset.chart = "drawn";
  if (!(figure instanceof SVGSVGElement)) el.append(chartExportBar(el, title, rows));
  return el;
}

export interface TrendRow extends Provenance {
  centre_name: string;
  period_id: string;
  period_label?: string;
  value: number | null;
}

/**
 * Every how many periods an axis of `pixels` can name one without its labels running into each other
 * ("I półr. 2011" is about 70 px wide, "2011" about 40 px).
 */
function tickEvery(periods: string[], pixels: number): number {
  const label = periods.some((p) => p.includes("-H")) ? 70 : 40;
  return Math.max(1, Math.ceil(label / (pixels / Math.max(1, periods.length))));
}

/** Beyond this many points a trend chart labels only each city's last value (the tooltip has them all). */
const LABELLED_POINTS = 40;

function lastPoints(rows: TrendRow[]): TrendRow[] {
  const last = new Map<string, TrendRow>();
  for (const r of rows) {
    const seen = last.get(r.centre_name);
    if (!seen || periodOrder(seen.period_id) < periodOrder(r.period_id)) last.set(r.centre_name, r);
  }
  return [...last.values()];
}

/** One line per city over periods of one kind (years or half-years, never both); a gap breaks the line. */
export function trendChart(
  rows: TrendRow[],
  { width, title, subtitle, caption, colors, unit }: ChartOptions & { colors: ColorScale; unit: string },
): HTMLElement {
  const drawn = rows.filter((r) => r.value !== null);
  const yearly = rows.every((r) => /^\d{4}$/.test(r.period_id));
  // Periods as ordered categories; the line breaks where a period is skipped (2012 → 2024), so no
  // trend is drawn across years the reports do not cover.
  const periods = periodsOf(rows);
  const gap = (a: string, b: string) =>
    yearly ? Number(b) - Number(a) > 1 : periodOrder(b) - periodOrder(a) > 10;
  const segment = new Map<TrendRow, string>();
  for (const centre of new Set(drawn.map((r) => r.centre_name))) {
    let n = 0;
    let prev: string | null = null;
    for (const r of drawn
      .filter((d) => d.centre_name === centre)
      .sort((a, b) => periodOrder(a.period_id) - periodOrder(b.period_id))) {
      if (prev !== null && gap(prev, r.period_id)) n++;
      prev = r.period_id;
      segment.set(r, `${centre}#${n}`);
    }
  }
  // a long series names every n-th period on the axis (all of them are in the tooltip)
  const every = tickEvery(periods, width - 64 - 32);
  const x = {
    type: "point" as const,
    domain: periods,
    tickFormat: formatPeriodShort,
    label: null,
    padding: 0.4,
    ...(every > 1 ? { ticks: periods.filter((_, i) => i % every === 0) } : {}),
  };
  const fig = Plot.plot({
    width,
    height: 320,
    title,
    subtitle,
    caption,
    marginTop: 30,
    marginLeft: 64,
    marginRight: 32,
    x,
    y: { grid: true, zero: true, tickFormat: (d: number) => formatNumber(d), label: null },
    color: { ...colors, legend: true },
    marks: [
      Plot.ruleY([0]),
      Plot.line(drawn, {
        x: "period_id",
        y: "value",
        z: (d: TrendRow) => segment.get(d),
        stroke: "centre_name",
        strokeWidth: 2,
      }),
      Plot.dot(drawn, { x: "period_id", y: "value", fill: "centre_name", r: 4 }),
      // every value while they are few; with many (a long series, many cities), each city's last one
      Plot.text(drawn.length <= LABELLED_POINTS ? drawn : lastPoints(drawn), {
        x: "period_id",
        y: "value",
        text: (d: TrendRow) => formatNumber(d.value),
        dy: -12,
        fill: "currentColor",
        fontSize: 11,
      }),
      Plot.tip(
        drawn,
        Plot.pointer({
          x: "period_id",
          y: "value",
          title: (d: TrendRow) =>
            tip([
              `${d.centre_name} · ${d.period_label ?? d.period_id}`,
              `${formatNumber(d.value)} (${unit})`,
              provenanceText(d),
            ]),
        }),
      ),
    ],
  });
  return labelled(fig, title, rows);
}

export interface BarRow extends Provenance {
  label: string;
  value: number | null;
  note?: string | null;
}

/** Horizontal bars, one per row (e.g. per city); null written as "brak danych". */
export function barChart(
  rows: BarRow[],
  {
    width,
    title,
    subtitle,
    caption,
    unit,
    color = READ_COLOR,
    format = (v: number | null) => formatNumber(v),
  }: ChartOptions & { unit: string; color?: string; format?: (v: number | null) => string },
): HTMLElement {
  const fig = Plot.plot({
    width,
    height: 40 + rows.length * 34,
    title,
    subtitle,
    caption,
    marginLeft: 200,
    marginRight: 80,
    x: { grid: true, tickFormat: (d: number) => format(d), label: unit, labelArrow: "none" },
    y: { domain: rows.map((r) => r.label), label: null },
    marks: [
      Plot.barX(
        rows.filter((r) => r.value !== null),
        {
          x: "value",
          y: "label",
          fill: color,
          title: (d: BarRow) =>
            tip([d.label, `${format(d.value)} (${unit})`, notePl(d.note), provenanceText(d)]),
          tip: true,
        },
      ),
      Plot.text(
        rows.filter((r) => r.value !== null),
        { x: "value", y: "label", text: (d: BarRow) => format(d.value), textAnchor: "start", dx: 4 },
      ),
      Plot.text(
        rows.filter((r) => r.value === null),
        {
          x: 0,
          y: "label",
          text: () => MISSING,
          textAnchor: "start",
          dx: 4,
          fill: "#6b6b6b",
          fontStyle: "italic",
        },
      ),
      Plot.ruleX([0]),
    ],
  });
  return labelled(fig, title, rows);
}

export interface ShareRow extends Provenance {
  reason_label: string;
  share: number | null;
  families: number | null;
}

/** Reasons as a share of families assisted; reasons overlap, so the bars do not add up to 100 %. */
export function shareChart(rows: ShareRow[], { width, title, subtitle, caption }: ChartOptions): HTMLElement {
  const sorted = [...rows].sort((a, b) => (b.share ?? -1) - (a.share ?? -1));
  const fig = Plot.plot({
    width,
    height: 40 + sorted.length * 28,
    title,
    subtitle,
    caption,
    marginLeft: 300,
    marginRight: 70,
    x: {
      domain: [0, 1],
      grid: true,
      tickFormat: (d: number) => formatPercent(d, 0),
      label: "odsetek rodzin",
      labelArrow: "none",
    },
    y: { domain: sorted.map((r) => r.reason_label), label: null },
    marks: [
      Plot.barX(
        sorted.filter((r) => r.share !== null),
        {
          x: "share",
          y: "reason_label",
          fill: READ_COLOR,
          title: (d: ShareRow) =>
            tip([
              d.reason_label,
              `${formatPercent(d.share)} rodzin (${formatNumber(d.families)} rodzin)`,
              provenanceText(d),
            ]),
          tip: true,
        },
      ),
      Plot.text(sorted, {
        x: (d: ShareRow) => d.share ?? 0,
        y: "reason_label",
        text: (d: ShareRow) => formatPercent(d.share),
        textAnchor: "start",
        dx: 4,
      }),
      Plot.ruleX([0]),
    ],
  });
  return labelled(fig, title, rows);
}

export interface ShareTrendRow extends ShareRow {
  period_id: string;
  period_label: string;
}

/** Each reason's share in each period: one row per reason, one dot per period (colour and shape). */
export function shareTrendChart(
  rows: ShareTrendRow[],
  { width, title, subtitle, caption }: ChartOptions,
): HTMLElement {
  const periods = periodsOf(rows);
  const labels = new Map(rows.map((r) => [r.period_id, r.period_label]));
  const drawn = rows.filter((r) => r.share !== null);
  const reasons = [...new Set(rows.map((r) => r.reason_label))];
  const fig = Plot.plot({
    width,
    height: 60 + reasons.length * 28,
    title,
    subtitle,
    caption,
    marginLeft: 300,
    marginRight: 30,
    x: {
      domain: [0, 1],
      grid: true,
      tickFormat: (d: number) => formatPercent(d, 0),
      label: "odsetek rodzin",
      labelArrow: "none",
    },
    y: { domain: reasons, label: null },
    color: {
      domain: periods.map((p) => labels.get(p) ?? p),
      range: periods.map((_, i) => PALETTE[i % PALETTE.length] as string),
      legend: true,
    },
    symbol: { domain: periods.map((p) => labels.get(p) ?? p), legend: false },
    marks: [
      Plot.ruleY(reasons, { stroke: "#ddd" }),
      Plot.dot(drawn, {
        x: "share",
        y: "reason_label",
        fill: "period_label",
        symbol: "period_label",
        r: 5,
        title: (d: ShareTrendRow) =>
          tip([
            `${d.reason_label} · ${d.period_label}`,
            `${formatPercent(d.share)} rodzin (${formatNumber(d.families)})`,
            provenanceText(d),
          ]),
        tip: true,
      }),
    ],
  });
  return labelled(fig, title, rows);
}

export interface NkRow extends Provenance {
  period_id: string;
  period_label: string;
  value: number | null;
  is_derived: boolean;
  is_series_break: boolean;
}

/** Bars per period; derived H2 in a light colour; periods since the 2023 procedure change in their own panel. */
/** Bars an NK chart writes its value over; with more, the value is in the tooltip only. */
const NK_VALUE_LABELS = 12;

export function nkChart(
  rows: NkRow[],
  { width, title, subtitle, caption, unit }: ChartOptions & { unit: string },
): HTMLElement {
  const era = (d: NkRow) => (d.is_series_break ? "od 2023 (nowa procedura)" : "do 2022");
  const eras = [...new Set(rows.map(era))].sort((a) => (a.startsWith("do") ? -1 : 1));
  const kind = (d: NkRow) => (d.is_derived ? "wyliczone: rok − I półrocze" : "odczytane ze sprawozdania");
  const periods = periodsOf(rows);
  // A long series (many years, both eras' panels share the axis): every n-th period named, values in
  // the tooltip only, so that labels do not run into each other.
  const long = periods.length > NK_VALUE_LABELS;
  const plotWidth = Math.min(width, 140 + periods.length * 110);
  const every = tickEvery(periods, (plotWidth - 60) / Math.max(1, eras.length));
  const fig = Plot.plot({
    width: plotWidth,
    height: 300,
    title,
    subtitle,
    caption,
    marginLeft: 60,
    fx: { domain: eras, label: null, padding: 0.1, axis: eras.length > 1 ? "top" : null },
    x: {
      domain: periods,
      tickFormat: formatPeriodShort,
      label: null,
      padding: 0.2,
      ...(every > 1 ? { ticks: periods.filter((_, i) => i % every === 0) } : {}),
    },
    y: { grid: true, tickFormat: (d: number) => formatNumber(d), label: unit, labelArrow: "none" },
    color: {
      domain: ["odczytane ze sprawozdania", "wyliczone: rok − I półrocze"],
      range: [READ_COLOR, DERIVED_COLOR],
      legend: true,
    },
    marks: [
      Plot.barY(
        rows.filter((r) => r.value !== null),
        {
          fx: era,
          x: "period_id",
          y: "value",
          fill: kind,
          stroke: (d: NkRow) => (d.is_derived ? "#2b6a99" : "none"),
          strokeDasharray: "3,2",
          title: (d: NkRow) =>
            tip([`${d.period_label}: ${formatNumber(d.value)} (${unit})`, provenanceText(d)]),
          tip: true,
        },
      ),
      Plot.text(long ? [] : rows.filter((r) => r.value !== null), {
        fx: era,
        x: "period_id",
        y: "value",
        text: (d: NkRow) => `${formatNumber(d.value)}${d.is_derived ? "*" : ""}`,
        dy: -8,
      }),
      Plot.ruleY([0]),
    ],
  });
  // Empty facets (an era with no data) are skipped by Plot; nothing else to do.
  return labelled(fig, title, rows);
}

export interface NormRow extends Provenance {
  label: string;
  ratio: number | null;
  exceeds_norm: boolean | null;
  /** marts.staffing's verdict in Polish; a ratio the norm does not judge is "nieporównywalne" */
  verdict?: string | null;
  is_whole_year_count: boolean;
  note_pl?: string | null;
  /** "skąd ta liczba?" of the numerator and the denominator, one text each (provenanceText) */
  sources?: string[];
}

/** A ratio against a statutory norm (rule); bars over the norm in red, whole-year counts marked with *. */
export function normChart(
  rows: NormRow[],
  { width, title, subtitle, caption, norm, unit }: ChartOptions & { norm: number; unit: string },
): HTMLElement {
  const max = Math.max(norm * 1.25, ...rows.map((r) => r.ratio ?? 0));
  // red only for a comparable ratio above the norm; a ratio the norm does not judge is grey, never red
  const status = (d: NormRow) =>
    d.exceeds_norm === null || d.verdict === "nieporównywalne"
      ? "nieporównywalne"
      : d.exceeds_norm
        ? "powyżej normy"
        : "w normie";
  const fig = Plot.plot({
    width,
    height: 70 + rows.length * 34,
    title,
    subtitle,
    caption,
    marginTop: 28,
    marginLeft: 240,
    marginRight: 80,
    x: {
      domain: [0, max],
      grid: true,
      tickFormat: (d: number) => formatNumber(d),
      label: unit,
      labelArrow: "none",
    },
    y: { domain: rows.map((r) => r.label), label: null },
    color: {
      domain: ["w normie", "powyżej normy", "nieporównywalne"],
      range: [READ_COLOR, NORM_COLOR, "#b0b0b0"],
      legend: true,
    },
    marks: [
      Plot.barX(
        rows.filter((r) => r.ratio !== null),
        {
          x: "ratio",
          y: "label",
          fill: status,
          title: (d: NormRow) =>
            tip([d.label, `${formatDecimal(d.ratio)} (${unit})`, d.note_pl, ...(d.sources ?? [])]),
          tip: true,
        },
      ),
      Plot.text(rows, {
        x: (d: NormRow) => d.ratio ?? 0,
        y: "label",
        text: (d: NormRow) =>
          d.ratio === null ? MISSING : `${formatDecimal(d.ratio)}${d.is_whole_year_count ? "*" : ""}`,
        textAnchor: "start",
        dx: 4,
        fill: (d: NormRow) => (d.ratio === null ? "#6b6b6b" : "currentColor"),
      }),
      Plot.ruleX([norm], { stroke: NORM_COLOR, strokeWidth: 2, strokeDasharray: "6,3" }),
      Plot.text([norm], {
        x: (d: number) => d,
        frameAnchor: "top",
        text: (d: number) => `norma: ${formatNumber(d)}`,
        dy: -12,
        fill: NORM_COLOR,
        textAnchor: "middle",
      }),
      Plot.ruleX([0]),
    ],
  });
  return labelled(fig, title, rows);
}

export type CoverageStatus = "value" | "missing" | "none";

export interface CoverageRow {
  period_id: string;
  period_label: string;
  metric_label: string;
  status: CoverageStatus;
}

const COVERAGE = {
  value: { label: "jest wartość", color: READ_COLOR, mark: "✓", text: "white" },
  missing: { label: "brak w dokumencie", color: "#E69F00", mark: "!", text: "black" },
  none: { label: "nie podano", color: "#eeeeee", mark: "✕", text: "#999" },
} as const;

/** Which figure exists for which period (one city): ✓ a value, ! the document lost it, ✕ not reported. */
export function coverageChart(
  rows: CoverageRow[],
  { width, title, subtitle, caption }: ChartOptions,
): HTMLElement {
  const metrics = [...new Set(rows.map((r) => r.metric_label))];
  const statuses = Object.values(COVERAGE);
  const fig = Plot.plot({
    width: Math.min(width, 420 + periodsOf(rows).length * 64),
    // room under the cells for the slanted period names ("lata 2008–2013", "I półr. 2012")
    height: 100 + metrics.length * 24,
    title,
    subtitle,
    caption,
    marginLeft: 400,
    marginBottom: 80,
    x: { domain: periodsOf(rows), tickFormat: formatPeriodShort, label: null, tickRotate: -30 },
    y: { domain: metrics, label: null },
    color: { domain: statuses.map((s) => s.label), range: statuses.map((s) => s.color), legend: true },
    marks: [
      Plot.cell(rows, {
        x: "period_id",
        y: "metric_label",
        fill: (d: CoverageRow) => COVERAGE[d.status].label,
        inset: 1,
        title: (d: CoverageRow) => `${d.metric_label} · ${d.period_label}: ${COVERAGE[d.status].label}`,
        tip: true,
      }),
      Plot.text(rows, {
        x: "period_id",
        y: "metric_label",
        text: (d: CoverageRow) => COVERAGE[d.status].mark,
        fill: (d: CoverageRow) => COVERAGE[d.status].text,
        fontSize: 11,
      }),
    ],
  });
  return labelled(fig, title, rows);
}
