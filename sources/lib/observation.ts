import { z } from "zod";
import { isKnownCentre } from "./centres.ts";
import { PERIOD_ID_PATTERN } from "./periods.ts";

/** A centre of models/seeds/centres.csv (or one registered in-process, see centres.ts): data, not an enum. */
export const CentreId = z
  .string()
  .refine(isKnownCentre, { message: "centre_id is not a centre of models/seeds/centres.csv" });
export type CentreId = z.infer<typeof CentreId>;

/** '2012' a year, '2012-H1' / '2012-H2' a half-year, '2006/2008' or '2012-07/2015-06' a span, 'undated' (periods.ts). */
export const PeriodId = z
  .string()
  .regex(PERIOD_ID_PATTERN, "period_id must look like 2012, 2012-H1, 2006/2008, 2012-07/2015-06 or undated");
export type PeriodId = z.infer<typeof PeriodId>;

export const FLAGS = [
  "ambiguous", // a number split that fits more than one reading; the value is left null
  "contradiction", // the document states something else elsewhere; kept as written
  "period_assumed", // the period is not written next to the figure, it was taken from the document's context
  "derived", // computed, not read (e.g. H2 = year - H1)
  "missing", // the document lost the value (e.g. truncated); value is null, never 0
  "number_word", // the value was written as a word ("czterech")
  "whole_year_count", // a count over the whole year where the statute speaks of "at a time"
] as const;
export const Flag = z.enum(FLAGS);
export type Flag = z.infer<typeof Flag>;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, "ids are snake_case English");

/** A figure as an extractor reads it from one document: everything but the document id. */
export const ExtractedObservation = z
  .object({
    centre_id: CentreId,
    period_id: PeriodId,
    /** A stock at a date keeps its date (e.g. refugees registered at 2025-12-31). */
    as_of_date: IsoDate.nullable(),
    metric_id: Identifier,
    breakdown: Identifier.nullable(),
    /** null only when flagged `missing` or `ambiguous`: missing is not zero. */
    value: z.number().finite().nullable(),
    unit: z.string().min(1),
    /** 1-based line of the document text where the value stands. */
    line: z.number().int().positive(),
    /** The exact text the value was read from, a substring of that line. */
    quote: z.string().min(1),
    /** The row label or phrase as written in the document (Polish), for people. */
    label: z.string().min(1),
    flags: z.array(Flag),
    /** Why a flag is there, in plain words (Polish or English), for marts.data_quality. */
    note: z.string().nullable(),
  })
  .refine((o) => o.value !== null || o.flags.includes("missing") || o.flags.includes("ambiguous"), {
    message: "value may be null only when flagged missing or ambiguous",
  });
export type ExtractedObservation = z.infer<typeof ExtractedObservation>;

export const Observation = z.intersection(ExtractedObservation, z.object({ document_id: z.string().min(8) }));
export type Observation = z.infer<typeof Observation>;

/** What recognising a document tells about it, from its content alone. */
export const Recognition = z.object({
  centre_id: CentreId,
  /** Kind of report, e.g. 'dobre-praktyki', 'komisja-cpsmis'. Unique within the centre. */
  kind: z.string().regex(/^[a-z0-9-]+$/),
  /** Polish title as the document gives it. */
  title: z.string().min(1),
  /** The reporting periods the document covers, e.g. ['2011','2012','2012-H1','2013-H1']. */
  periods: z.array(PeriodId).min(1),
  /** The date the document was issued, when it says so. */
  issued_on: IsoDate.nullable(),
});
export type Recognition = z.infer<typeof Recognition>;
