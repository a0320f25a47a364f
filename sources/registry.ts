import { z } from "zod";
import { extractors as jaworzno } from "./jaworzno/index.ts";
import { extractors as katowice } from "./katowice/index.ts";
import { extractors as kedzierzynKozle } from "./kedzierzyn-kozle/index.ts";
import { SourceText } from "./lib/document.ts";
import { DocumentRejected, type Extractor } from "./lib/extractor.ts";
import { grainViolations } from "./lib/grain.ts";
import { ExtractedObservation, type Recognition } from "./lib/observation.ts";
import { extractors as wroclaw } from "./wroclaw/index.ts";

/** Every extractor the project has; a new kind of report adds itself in its centre's index.ts. */
export const EXTRACTORS: readonly Extractor[] = [...wroclaw, ...katowice, ...jaworzno, ...kedzierzynKozle];

/** Names by which a document betrays its city even when its layout is unknown. */
const CITY_HINTS: [string, RegExp][] = [
  ["wroclaw", /Wrocław/],
  ["katowice", /Katowic/],
  ["jaworzno", /Jaworzn/],
  ["kedzierzyn-kozle", /Kędzierzyn/],
];

export interface RecognisedDocument {
  extractor: Extractor;
  recognition: Recognition;
  source: SourceText;
}

/** Recognise a document from its content; a document nobody (or more than one extractor) claims is rejected. */
export function recogniseDocument(text: string, fileName: string): RecognisedDocument {
  const source = new SourceText(text);
  const claims = EXTRACTORS.flatMap((extractor) => {
    const recognition = extractor.recognise(source);
    return recognition ? [{ extractor, recognition, source }] : [];
  });
  const [only, ...others] = claims;
  if (only && others.length === 0) return only;
  if (only) {
    throw new DocumentRejected(
      fileName,
      `claimed by several extractors (${claims.map((c) => c.extractor.id).join(", ")})`,
    );
  }
  const city = CITY_HINTS.find(([, re]) => re.test(text))?.[0];
  throw new DocumentRejected(
    fileName,
    city
      ? `a ${city} document in a layout no extractor knows (known kinds: ${
          EXTRACTORS.filter((e) => e.centreId === city)
            .map((e) => e.kind)
            .join(", ") || "none"
        })`
      : "not a report of a known centre (no extractor recognises it)",
  );
}

/**
 * The figures an extractor read, checked before a document is taken: each against the contract (zod),
 * and all of them against the grain (one observation_id per figure, see lib/grain.ts). A document that
 * breaks either is rejected with one line naming the reason, so it never enters the store, where it
 * would block every later build. Returns the parsed figures.
 */
export function validateExtraction(
  extractorId: string,
  fileName: string,
  raw: unknown,
): ExtractedObservation[] {
  const parsed = z.array(ExtractedObservation).safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const first = issues[0];
    const [index, ...field] = first?.path ?? [];
    const figure = typeof index === "number" && Array.isArray(raw) ? raw[index] : undefined;
    const where =
      typeof index === "number"
        ? ` in figure ${index + 1}${figure?.line !== undefined ? ` (line ${figure.line}, ${figure.metric_id})` : ""}` +
          (field.length ? `, field ${field.join(".")}` : "")
        : "";
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    throw new DocumentRejected(
      fileName,
      `extractor ${extractorId} produced invalid figures: ${oneLine(first?.message ?? "invalid")}${where}${more}`,
    );
  }
  const [clash, ...others] = grainViolations(parsed.data);
  const o = clash?.[0];
  if (clash && o) {
    const what = [o.metric_id, o.breakdown, o.period_id, o.as_of_date].filter((x) => x !== null).join(", ");
    const more = others.length > 0 ? ` (and ${others.length} more)` : "";
    throw new DocumentRejected(
      fileName,
      `extractor ${extractorId} read ${clash.length} figures with one observation_id ` +
        `(line ${o.line}: ${what}; values ${clash.map((c) => c.value ?? "null").join(", ")})${more}; ` +
        "the document would break the warehouse grain",
    );
  }
  return parsed.data;
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** Recognise and extract a document; every observation is validated against the contract and the grain. */
export function extractDocument(text: string, fileName: string) {
  const doc = recogniseDocument(text, fileName);
  const observations = validateExtraction(
    doc.extractor.id,
    fileName,
    doc.extractor.extract(doc.source, doc.recognition),
  );
  if (observations.length === 0) throw new DocumentRejected(fileName, "no figures could be read from it");
  return { ...doc, observations };
}
