import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { partitionsOfDocuments } from "../../pipelines/calendar.ts";
import { registerCentres } from "../../sources/lib/centres.ts";
import type { ExtractedObservation } from "../../sources/lib/observation.ts";
import type { ExtractionResult } from "../../warehouse/extract.ts";
import type { RawPartition } from "../../warehouse/raw.ts";
import type { KnownDocument } from "../../warehouse/store.ts";
import { DOCUMENT_COLUMNS, OBSERVATION_COLUMNS, readCsvAll, readCsvBatches } from "./observations-file.ts";

/** Files of a generated national data set (see bench/generate.ts). */
export function inputPaths(dir: string) {
  return {
    dir,
    manifest: join(dir, "manifest.json"),
    observations: join(dir, "observations.csv"),
    documents: join(dir, "documents.csv"),
    centres: join(dir, "centres.csv"),
    metrics: join(dir, "bench-metrics.csv"),
    holdoutObservations: join(dir, "holdout", "observations.csv"),
    holdoutDocuments: join(dir, "holdout", "documents.csv"),
    holdoutReport: join(dir, "holdout", "report"),
    reports: join(dir, "reports"),
  };
}

/**
 * The seed rows the national data needs beyond the project's seeds: 2,477 gminas (the project knows
 * four centres) and the benchmark's extra metrics. Run right after the project's seeds are loaded,
 * by the pipeline build and the baseline alike.
 */
export async function addNationalSeeds(connection: DuckDBConnection, dir: string) {
  const p = inputPaths(dir);
  for (const [table, file] of [
    ["centres", p.centres],
    ["metrics", p.metrics],
  ] as const) {
    await connection.run(
      `insert into seeds.${table} by name select * from read_csv($1, header = true, all_varchar = true)`,
      [file],
    );
  }
}

export type LoadedDocument = { doc: KnownDocument; extraction: ExtractionResult };

/** The day the benchmark's report calendar is checked: the same in every build, so that they compare equal. */
export const BENCH_CHECKED_AT = new Date("2026-06-01T00:00:00Z");

/**
 * The report calendar's partitions of these documents (raw.partitions), as the service's build task
 * gives them to a full and an incremental build, as of BENCH_CHECKED_AT. The calendar knows the
 * project's four centres only: the gminas have none.
 */
export function benchPartitions(docs: KnownDocument[]): RawPartition[] {
  return partitionsOfDocuments(docs, BENCH_CHECKED_AT).map((p) => ({ ...p, checked_at: BENCH_CHECKED_AT }));
}

const orNull = (s: string | undefined) => (s === undefined || s === "" ? null : s);

/**
 * The national data as the pipeline holds extracted documents in memory (what extractAll returns):
 * KnownDocument + ExtractionResult per document, observations in file order.
 */
export async function readNationalDocuments(
  documentsCsv: string,
  observationsCsv: string,
  reportsDir: string,
): Promise<LoadedDocument[]> {
  const byId = new Map<string, LoadedDocument>();
  const out: LoadedDocument[] = [];
  for (const r of await readCsvAll(documentsCsv, DOCUMENT_COLUMNS)) {
    const [
      documentId,
      centreId,
      kind,
      title,
      fileName,
      origin,
      periods,
      issuedOn,
      receivedAt,
      byteSize,
      extractorId,
    ] = r as string[] as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const doc: KnownDocument = {
      documentId,
      path: join(reportsDir, fileName),
      fileName,
      origin: origin as KnownDocument["origin"],
      centreId,
      kind,
      title,
      periods: periods.split(";"),
      issuedOn: orNull(issuedOn),
      receivedAt: orNull(receivedAt),
      byteSize: Number(byteSize),
    };
    const extraction = {
      documentId,
      extractorId,
      codeVersion: "bench",
      recognition: {
        centre_id: centreId,
        kind,
        title,
        periods: doc.periods,
        issued_on: doc.issuedOn,
      },
      observations: [],
      // As extractKnownDocument writes every entry: the full build's DuckDB reader (loadCachedRaw)
      // requires the key, and without it fell back to loading document by document (4× slower).
      readerFailures: [],
    } as unknown as ExtractionResult;
    const d = { doc, extraction };
    byId.set(documentId, d);
    out.push(d);
  }
  for await (const batch of readCsvBatches(observationsCsv, OBSERVATION_COLUMNS)) {
    for (const r of batch) {
      const d = byId.get(r[0] as string);
      if (!d) throw new Error(`observation of an unknown document ${r[0]}`);
      d.extraction.observations.push(toObservation(r));
    }
  }
  return out;
}

/** One CSV row as the extractor would have produced it (centre_id is a gmina id the contract does not know). */
export function toObservation(r: string[]): ExtractedObservation {
  const value = r[7];
  const flags = r[12];
  return {
    centre_id: r[2] as ExtractedObservation["centre_id"],
    period_id: r[3] as string,
    as_of_date: orNull(r[4]),
    metric_id: r[5] as string,
    breakdown: orNull(r[6]),
    value: value === "" || value === undefined ? null : Number(value),
    unit: r[8] as string,
    line: Number(r[9]),
    quote: r[10] as string,
    label: r[11] as string,
    flags: (flags ? flags.split(",") : []) as ExtractedObservation["flags"],
    note: orNull(r[13]),
  };
}

/**
 * Make the national data set's gminas known centres of this process (its centres.csv has the columns of
 * models/seeds/centres.csv): their figures then pass the observation contract under their own ids, with
 * no id rewritten after loading. Every benchmark process that reads national figures calls it first.
 */
export function useNationalCentres(dir: string): void {
  registerCentres(inputPaths(dir).centres);
}
