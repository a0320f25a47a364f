// Which committee briefs exist, for the city page's link: $OBS_DATA_DIR/briefs/<variant>/index.json, kept
// beside the PDFs by whoever writes one (the service's make_briefs, `npm run brief`) and served as
// /briefs/index.json with the PDFs (dashboards/serve.ts). One directory per variant of the data, as the
// data itself (dashboards/publish-data.ts): a server that shows only the public data serves only briefs
// printed from it, never one with the small counts the public data hides.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { dataDir } from "../lib/config.ts";
import type { DataVariant } from "./publish-data.ts";

export const BRIEF_INDEX_FILE = "index.json";

export const BriefEntry = z.object({
  /** The PDF's name in the same directory: <centre>.pdf. */
  file: z.string().regex(/^[a-z0-9_-]+\.pdf$/),
  /** When it was printed (ISO, UTC). */
  madeAt: z.string(),
  /** The build of the published data it was printed from (publish-data.ts). */
  dataBuildId: z.string(),
  pages: z.number().int().nonnegative(),
  /** What it was made from (make_briefs): the same fingerprint again means there is nothing to redo. */
  fingerprint: z.string().optional(),
});
export type BriefEntry = z.infer<typeof BriefEntry>;

export const BriefIndex = z.object({ briefs: z.record(z.string(), BriefEntry) });
export type BriefIndex = z.infer<typeof BriefIndex>;

/** $OBS_DATA_DIR/briefs: one directory per variant of the data under it. */
export const briefsRoot = (): string => join(dataDir(), "briefs");
export const briefsDir = (variant: DataVariant, root = briefsRoot()): string => join(root, variant);

/** The index of one variant's briefs; empty when there is none yet (or it cannot be read). */
export async function readBriefIndex(dir: string): Promise<BriefIndex> {
  try {
    return BriefIndex.parse(JSON.parse(await readFile(join(dir, BRIEF_INDEX_FILE), "utf8")));
  } catch {
    return { briefs: {} };
  }
}

/**
 * Record briefs just written (and only those: an entry is replaced, never dropped). Written beside and
 * renamed, so the server never sends half an index. Writers run one at a time in the service (queue
 * `dashboards`); `npm run brief` at the same moment could lose the other's entry until its next brief.
 */
export async function recordBriefs(dir: string, entries: Record<string, BriefEntry>): Promise<void> {
  const index = await readBriefIndex(dir);
  Object.assign(index.briefs, entries);
  await mkdir(dir, { recursive: true });
  const partial = join(dir, `.${BRIEF_INDEX_FILE}.${process.pid}.part`);
  await writeFile(partial, `${JSON.stringify(index, null, 1)}\n`);
  await rename(partial, join(dir, BRIEF_INDEX_FILE));
}
