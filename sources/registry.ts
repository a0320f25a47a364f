import { z } from "zod";
import { extractors as jaworzno } from "./jaworzno/index.ts";
import { extractors as katowice } from "./katowice/index.ts";
import { extractors as kedzierzynKozle } from "./kedzierzyn-kozle/index.ts";
import { recogniseCentre } from "./lib/centres.ts";
import { SourceText } from "./lib/document.ts";
import { DocumentRejected, type Extractor } from "./lib/extractor.ts";
import { grainViolations, oneFigurePerDocument } from "./lib/grain.ts";
import { ExtractedObservation, type Recognition } from "./lib/observation.ts";
import { extractors as wroclaw } from "./wroclaw/index.ts";

/** Every extractor the project has; a new kind of report adds itself in its centre's index.ts. */
export const EXTRACTORS: readonly Extractor[] = [...wroclaw, ...katowice, ...jaworzno, ...kedzierzynKozle];

export interface RecognisedDocument {
  extractor: Extractor;
  recognition: Recognition;
  source: SourceText;
}

/** Kinds of report the project reads, for a person: what a document of a known centre was checked for. */
const KNOWN_LAYOUTS_PL = () => EXTRACTORS.map((e) => e.kind).join(", ");

/**
 * Recognise a document from its content: first its centre (from the name forms of models/seeds/centres.csv,
 * never from code), then its layout. A document of no known centre, in no known layout, or claimed by
 * several extractors is rejected with a reason in Polish (the English one follows, for the log).
 */
export function recogniseDocument(text: string, fileName: string): RecognisedDocument {
  const source = new SourceText(text);
  const found = recogniseCentre(text);
  if (!found) {
    throw new DocumentRejected(
      fileName,
      "nie rozpoznano ośrodka: tekst nie wymienia żadnego ośrodka z models/seeds/centres.csv " +
        "(nazwa miasta lub ośrodka); dodaj ośrodek do centres.csv albo sprawdź, czy to właściwy plik — " +
        "not a report of a known centre (no centre of centres.csv is named in it)",
    );
  }
  const { centre } = found;
  const claims = EXTRACTORS.flatMap((extractor) => {
    const recognition = extractor.recognise(source, centre);
    return recognition
      ? [{ extractor, recognition: { ...recognition, centre_id: centre.centre_id }, source }]
      : [];
  });
  const [only, ...others] = claims;
  if (only && others.length === 0) return only;
  if (only) {
    throw new DocumentRejected(
      fileName,
      `dokument pasuje do kilku układów raportów naraz (${claims.map((c) => c.extractor.kind).join(", ")}) — ` +
        `claimed by several extractors (${claims.map((c) => c.extractor.id).join(", ")})`,
    );
  }
  throw new DocumentRejected(
    fileName,
    `rozpoznano ośrodek ${centre.name_pl} (TERYT ${centre.teryt}, „${found.evidence}”), ale nie znaleziono ` +
      `żadnej znanej sekcji ani układu raportu (szukano: ${KNOWN_LAYOUTS_PL()}); nic nie odczytano — ` +
      `a ${centre.centre_id} document in a layout no extractor knows (known kinds: ${EXTRACTORS.map((e) => e.kind).join(", ")})`,
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
  // The centre is the registry's, never a reader's: every figure carries the centre recognised.
  const read = oneFigurePerDocument(
    doc.extractor
      .extract(doc.source, doc.recognition)
      .map((o) => ({ ...o, centre_id: doc.recognition.centre_id })),
  );
  const observations = validateExtraction(doc.extractor.id, fileName, read);
  if (observations.length === 0) {
    throw new DocumentRejected(
      fileName,
      `w dokumencie ośrodka ${doc.recognition.centre_id} nie odczytano żadnej liczby — no figures could be read from it`,
    );
  }
  return { ...doc, observations };
}
