import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { SourceText } from "../lib/document.ts";
import { findNumbersInProse, parseNumberWord } from "../lib/numbers.ts";
import type { ExtractedObservation } from "../lib/observation.ts";
import { extractDocument } from "../registry.ts";

/** Shared by the Katowice tests: read a document, extract it through the registry, check provenance. */

export const documentPath = (name: string) => new URL(`./documents/${name}`, import.meta.url);
export const fixturePath = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
export const read = (url: URL) => readFileSync(url, "utf8");

/** Through the registry, under a name that says nothing: recognition is by content only. */
export function extract(text: string) {
  return extractDocument(text, "raport.txt");
}

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
