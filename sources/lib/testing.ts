/**
 * Test helpers every reader's tests use (vitest only, never imported by the pipeline): provenance checks,
 * the ways a value is written, one-line summaries of a reading.
 */
import { expect } from "vitest";
import { SourceText } from "./document.ts";
import { findNumbersInProse, parseNumberWord } from "./numbers.ts";
import type { ExtractedObservation } from "./observation.ts";

/** "2011" → ["2011", "2 011"]; 256194.94 → ["256194,94", "256 194,94"]. */
export function writtenForms(value: number): string[] {
  const [whole = "", fraction] = String(value).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  const tail = fraction === undefined ? "" : `,${fraction.padEnd(2, "0")}`;
  return [...new Set([whole + tail, grouped + tail])];
}

/** Every figure points at its line, quotes that line exactly, and the quote holds the value as written. */
export function expectProvenance(text: string, observations: ExtractedObservation[]): void {
  const doc = new SourceText(text);
  for (const o of observations) {
    const where = `${o.metric_id}/${o.breakdown ?? "-"} ${o.period_id} (line ${o.line})`;
    const line = doc.line(o.line);
    expect(line.includes(o.quote), `${where}: quote „${o.quote}” is not in its line`).toBe(true);
    expect(o.quote.trim(), where).toBe(o.quote);
    if (o.value === null) {
      expect(
        o.flags.some((f) => f === "missing" || f === "ambiguous"),
        where,
      ).toBe(true);
      continue;
    }
    if (o.flags.includes("number_word")) {
      const words = o.quote.split(/[^\p{L}]+/u).map(parseNumberWord);
      expect(words, where).toContain(o.value);
      continue;
    }
    const forms = writtenForms(o.value);
    expect(
      forms.some((f) => new RegExp(`(?<![\\d,])${f}(?![\\d]|,\\d)`).test(o.quote)),
      `${where}: quote „${o.quote}” does not show ${forms.join(" / ")}`,
    ).toBe(true);
  }
}

/** "2024 psychotherapy_hours - = 2011" for each figure, sorted: the whole reading at a glance. */
export function figures(observations: ExtractedObservation[]): string[] {
  return observations
    .map(
      (o) =>
        `${o.period_id}${o.as_of_date ? `@${o.as_of_date}` : ""} ${o.metric_id} ${o.breakdown ?? "-"} = ${o.value}`,
    )
    .sort();
}

/** Numbers in digits on lines that gave no figure: each must be a deliberate skip. */
export function numbersOnLinesWithoutFigures(text: string, observations: ExtractedObservation[]) {
  const doc = new SourceText(text);
  const used = new Set(observations.map((o) => o.line));
  const out: { line: string; number: string }[] = [];
  doc.lines.forEach((line, i) => {
    if (used.has(i + 1)) return;
    for (const f of findNumbersInProse(line)) if (!f.isWord) out.push({ line: line.trim(), number: f.text });
  });
  return out;
}

/** Observations of one metric and breakdown, in document order. */
export const find = (obs: ExtractedObservation[], metric: string, breakdown: string | null = null) =>
  obs.filter((o) => o.metric_id === metric && o.breakdown === breakdown);

/** [line, metric, breakdown, value, flags] of each observation, sorted, for whole-document comparisons. */
export const rows = (obs: ExtractedObservation[]) =>
  obs
    .map((o) => [o.line, o.metric_id, o.breakdown, o.value, [...o.flags].sort().join(",")] as const)
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]) || String(a[2]).localeCompare(String(b[2])));
