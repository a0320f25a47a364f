/**
 * What a build was built from (meta.build_info), written by every build and read by the planner: a
 * snapshot built from other extraction code, seeds, models or build code is never updated incrementally.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";
import { dataPaths } from "../lib/config.ts";
import { readFiguresText, referenceVersionOf } from "../sources/gus-bdl/store.ts";
import { openSnapshot, queryRows } from "./duckdb.ts";
import { extractionCodeVersion } from "./extract.ts";
import { LAYERS, modelsDir } from "./models.ts";

const BUILD_INFO = "meta.build_info";
const WAREHOUSE_DIR = fileURLToPath(new URL("./", import.meta.url));

/** The parts of a fingerprint, each naming one thing that decides a build's content. */
export interface Fingerprint {
  /** All parts together: two builds of the same documents and fingerprint are equal. */
  fingerprint: string;
  /** The extractors and the seeds (sources/, models/seeds/: extractionCodeVersion). */
  extraction: string;
  /** The models and their tests (models/<layer>/*.sql|yml). */
  models: string;
  /** The build code (warehouse/*.ts). */
  engine: string;
  /** The official reference figures every build loads ($OBS_DATA_DIR/reference/figures.csv; "none" without). */
  reference: string;
}

const hashFiles = async (dir: string, keep: (name: string) => boolean, prefix = "") => {
  const hash = createHash("sha256");
  const names = (await readdir(dir).catch(() => [] as string[])).filter(keep).sort();
  for (const f of names) hash.update(`${prefix}${f}\n`).update(await readFile(join(dir, f)));
  return hash.digest("hex");
};

/** The stored reference figures' version: a hash of figures.csv, "none" when nothing was fetched or imported. */
export async function referenceDataVersion(): Promise<string> {
  return referenceVersionOf(await readFiguresText(dataPaths().reference));
}

/**
 * The current code's and reference data's fingerprint; `reference`: the version of the figures a build
 * actually loaded (the stored ones by default).
 */
export async function buildFingerprint(reference?: string): Promise<Fingerprint> {
  const extraction = await extractionCodeVersion();
  const models = createHash("sha256");
  for (const layer of LAYERS)
    models.update(await hashFiles(join(modelsDir(), layer), (f) => /\.(sql|yml)$/.test(f), `${layer}/`));
  const engine = await hashFiles(WAREHOUSE_DIR, (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
  const parts = {
    extraction,
    models: models.digest("hex").slice(0, 16),
    engine: engine.slice(0, 16),
    reference: reference ?? (await referenceDataVersion()),
  };
  const fingerprint = createHash("sha256")
    .update(`${parts.extraction}\n${parts.models}\n${parts.engine}\n${parts.reference}`)
    .digest("hex")
    .slice(0, 16);
  return { fingerprint, ...parts };
}

/** Record in a build what it was built from: this code, and the reference figures it holds (`reference`, their version). */
export async function recordBuildInfo(
  connection: DuckDBConnection,
  kind: "full" | "incremental",
  reference?: string,
): Promise<void> {
  const f = await buildFingerprint(reference);
  await connection.run("create schema if not exists meta");
  await connection.run(
    `create or replace table ${BUILD_INFO} as
     select $fingerprint::varchar as fingerprint, $kind::varchar as kind, current_timestamp as built_at,
         $extraction::varchar as extraction, $models::varchar as models, $engine::varchar as engine,
         $reference::varchar as reference`,
    { ...f, kind },
  );
}

/** What a snapshot was built from; null when it records nothing (built before meta.build_info). */
export async function readBuildInfo(
  connection: DuckDBConnection,
): Promise<(Partial<Fingerprint> & { fingerprint: string }) | null> {
  const [row] = await queryRows(connection, `select * from ${BUILD_INFO}`).catch(() => []);
  if (typeof row?.fingerprint !== "string") return null;
  const part = (k: string) => (typeof row[k] === "string" ? (row[k] as string) : undefined);
  return {
    fingerprint: row.fingerprint,
    extraction: part("extraction"),
    models: part("models"),
    engine: part("engine"),
    reference: part("reference"),
  };
}

/** What the planner needs of a snapshot: what it was built from and which documents it holds. */
export interface SnapshotInfo {
  build: (Partial<Fingerprint> & { fingerprint: string }) | null;
  documentIds: string[];
}

/** Read a snapshot's build info and documents (read-only). */
export async function readSnapshotInfo(path: string): Promise<SnapshotInfo> {
  const db = await openSnapshot(path);
  try {
    const rows = await queryRows(db.connection, "select document_id from raw.documents");
    return { build: await readBuildInfo(db.connection), documentIds: rows.map((r) => String(r.document_id)) };
  } finally {
    db.close();
  }
}
