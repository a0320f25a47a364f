/**
 * What the published warehouse holds, and the run log's document states brought in line with it.
 * The published snapshot is the truth of what is loaded: a crash between the publish and the run log
 * update is mended by the next sync.
 */
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "kysely";
import { dataPaths } from "../lib/config.ts";
import { buildFingerprint, type Fingerprint, readBuildInfo } from "../warehouse/build-info.ts";
import { openSnapshot, queryRows } from "../warehouse/duckdb.ts";
import { extractionCodeVersion } from "../warehouse/extract.ts";
import type { KnownDocument } from "../warehouse/store.ts";
import { type Db, inBatches } from "./db.ts";

export interface PublishedDocument {
  document_id: string;
  file_name: string;
  origin: string;
  centre_id: string;
  kind: string;
  periods: string[];
  received_at: Date | null;
  is_current: boolean;
  superseded_by: string | null;
}

export interface Published {
  fingerprint: string | null;
  /** What it was built from (meta.build_info), for the build planner; null when it does not say. */
  build: (Partial<Fingerprint> & { fingerprint: string }) | null;
  documents: PublishedDocument[];
}

/** The documents and build fingerprint of the published snapshot; null when nothing is published yet. */
export async function readPublished(): Promise<Published | null> {
  const { published } = dataPaths();
  if (!(await stat(published).catch(() => null))) return null;
  const db = await openSnapshot(published);
  try {
    const documents = (await queryRows(
      db.connection,
      `select document_id, file_name, origin, centre_id, kind, periods, received_at, is_current, superseded_by
       from marts.dim_document`,
    )) as unknown as PublishedDocument[];
    const build = await readBuildInfo(db.connection);
    return { fingerprint: build?.fingerprint ?? null, build, documents };
  } finally {
    db.close();
  }
}

/** True when the current extraction code has read this document already (warehouse/extract.ts caches it). */
export async function isExtracted(doc: KnownDocument): Promise<boolean> {
  const cache = join(dataPaths().extracted, `${doc.documentId}.${await extractionCodeVersion()}.json`);
  return (await stat(cache).catch(() => null)) !== null;
}

/** What decides a build's content: the build code's fingerprint and the set of documents. */
export function contentKey(fingerprint: string | null, documentIds: string[]): string {
  const hash = createHash("sha256").update(fingerprint ?? "none");
  for (const id of [...documentIds].sort()) hash.update(`\n${id}`);
  return hash.digest("hex").slice(0, 16);
}

/** The content key of a build of the known documents by the current code. */
export async function currentContentKey(known: KnownDocument[]): Promise<string> {
  return contentKey(
    (await buildFingerprint()).fingerprint,
    known.map((d) => d.documentId),
  );
}

/** The content key of the published snapshot; null when nothing is published. */
export function publishedContentKey(p: Published | null): string | null {
  return p
    ? contentKey(
        p.fingerprint,
        p.documents.map((d) => d.document_id),
      )
    : null;
}

/** Give every known document a row in the run log (bundled reports and those stored before the service ran). */
export async function registerKnownDocuments(db: Db, known: KnownDocument[]): Promise<void> {
  await inBatches(known, (batch) =>
    db
      .insertInto("obs.documents")
      .values(
        batch.map((d) => ({
          document_id: d.documentId,
          file_name: d.fileName,
          origin: d.origin,
          centre_id: d.centreId,
          kind: d.kind,
          periods: d.periods,
          state: "stored" as const,
          received_at: d.receivedAt,
        })),
      )
      .onConflict((oc) => oc.column("document_id").doNothing())
      .execute(),
  );
}

/** Set loaded / superseded from the published snapshot. Returns how many documents are current. */
export async function syncDocumentStates(db: Db, published?: Published | null): Promise<number> {
  const p = published === undefined ? await readPublished() : published;
  if (!p || p.documents.length === 0) return 0;
  await inBatches(p.documents, (batch) =>
    db
      .insertInto("obs.documents")
      .values(
        batch.map((d) => ({
          document_id: d.document_id,
          file_name: d.file_name,
          origin: d.origin,
          centre_id: d.centre_id,
          kind: d.kind,
          periods: d.periods,
          received_at: d.received_at,
          state: d.is_current ? ("loaded" as const) : ("superseded" as const),
          superseded_by: d.superseded_by,
          loaded_at: new Date(),
        })),
      )
      .onConflict((oc) =>
        oc.column("document_id").doUpdateSet({
          state: sql`excluded.state`,
          superseded_by: sql`excluded.superseded_by`,
          error: null,
          loaded_at: sql`coalesce(obs.documents.loaded_at, excluded.loaded_at)`,
          updated_at: sql`now()`,
        }),
      )
      .execute(),
  );
  return p.documents.filter((d) => d.is_current).length;
}
