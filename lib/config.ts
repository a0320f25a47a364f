import { resolve } from "node:path";

// No zod here: the SQL command imports this module, and importing zod costs a short query a third of
// its time (bench/README.md, section 4). Settings that need checking live with what reads them
// (OBS_INBOX_SETTLE_MS: pipelines/inbox.ts).

/** All state lives under one data directory: OBS_DATA_DIR, default ./data. Nothing a run writes goes elsewhere. */
export function dataDir(): string {
  return resolve(process.env.OBS_DATA_DIR || "data");
}

/** The layout of the data directory. */
export function dataPaths(dir = dataDir()) {
  return {
    root: dir,
    /** Accepted documents, stored by content hash: <document_id>.<ext> + <document_id>.json. */
    documents: resolve(dir, "documents"),
    /** Extraction results cached by document id and extractor version. */
    extracted: resolve(dir, "extracted"),
    /** Drop reports here while the service runs. */
    inbox: resolve(dir, "inbox"),
    rejected: resolve(dir, "inbox", "rejected"),
    /** Builds in progress; never read by readers. */
    builds: resolve(dir, "warehouse", "builds"),
    /** The published read-only snapshot every reader opens. */
    published: resolve(dir, "warehouse", "published.duckdb"),
    postgres: resolve(dir, "postgres"),
    /** Official reference figures (GUS BDL): figures.csv, units.csv, status.json, cache/ (npm run reference). */
    reference: resolve(dir, "reference"),
    dashboards: resolve(dir, "dashboards"),
  };
}
