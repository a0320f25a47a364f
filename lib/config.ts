import { resolve } from "node:path";
import { z } from "zod";

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

/**
 * How long an inbox file must stay unchanged (size, modification and change time) before it is
 * taken: long enough for a copy that pauses a few seconds (a slow network share, a scanner) not to be
 * taken half-written. OBS_INBOX_SETTLE_MS, default 5000; empty means the default.
 */
export const DEFAULT_INBOX_SETTLE_MS = 5000;

export function inboxSettleMs(): number {
  const raw = process.env.OBS_INBOX_SETTLE_MS;
  if (raw === undefined || raw.trim() === "") return DEFAULT_INBOX_SETTLE_MS;
  const parsed = z.coerce.number().int().min(0).max(3_600_000).safeParse(raw.trim());
  if (!parsed.success) {
    throw new Error(
      `OBS_INBOX_SETTLE_MS must be a whole number of milliseconds from 0 to 3600000, not ${JSON.stringify(raw)}`,
    );
  }
  return parsed.data;
}
