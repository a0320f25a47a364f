import { z } from "zod";
import { extractors as jaworzno } from "./jaworzno/index.ts";
import { extractors as katowice } from "./katowice/index.ts";
import { extractors as kedzierzynKozle } from "./kedzierzyn-kozle/index.ts";
import { SourceText } from "./lib/document.ts";
import { DocumentRejected, type Extractor } from "./lib/extractor.ts";
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

/** Recognise and extract a document; every observation is validated against the contract. */
export function extractDocument(text: string, fileName: string) {
  const doc = recogniseDocument(text, fileName);
  const raw = doc.extractor.extract(doc.source, doc.recognition);
  const parsed = z.array(ExtractedObservation).safeParse(raw);
  if (!parsed.success) {
    throw new DocumentRejected(
      fileName,
      `extractor ${doc.extractor.id} produced invalid figures: ${z.prettifyError(parsed.error)}`,
    );
  }
  if (parsed.data.length === 0) throw new DocumentRejected(fileName, "no figures could be read from it");
  return { ...doc, observations: parsed.data };
}
