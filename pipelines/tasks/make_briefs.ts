import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { dataPaths } from "../../lib/config.ts";
import { defineTask } from "../context.ts";

/**
 * The part of the data's manifest (dashboards/publish-data.ts) that says what changed: `global` (names,
 * labels, which centre reports what) and one fingerprint per centre over its tables. publish-data
 * rewrites a centre's files exactly when one of the two changes, so a brief does too.
 */
const ManifestFingerprints = z.object({
  fingerprints: z.object({ global: z.string(), centres: z.record(z.string(), z.string()) }),
});

/** The data just published: the variant whose current build is the newest (the one this publish wrote). */
async function latestData(dashboards: string) {
  const { readPointer, variantDir } = await import("../../dashboards/publish-data.ts");
  let latest: { variant: "internal" | "public"; dir: string; buildId: string; at: string } | null = null;
  for (const variant of ["internal", "public"] as const) {
    const dir = variantDir(variant, dashboards);
    const pointer = await readPointer(dir);
    if (pointer && (!latest || pointer.publishedAt > latest.at))
      latest = {
        variant,
        dir: join(dir, pointer.buildId),
        buildId: pointer.buildId,
        at: pointer.publishedAt,
      };
  }
  return latest;
}

/**
 * The committee briefs (dashboards/brief.ts) after the dashboards were built: one A4 PDF per centre whose
 * figures (or the city page's code) changed since its last brief, printed from the data just published and
 * kept in $OBS_DATA_DIR/briefs/<variant>/ with an index the city page reads to link them (served as
 * /briefs/…, dashboards/serve.ts). A centre whose brief fails does not stop the others: they are printed
 * and recorded, then the run fails naming it (a retry prints only what is still missing or changed).
 */
export default defineTask({
  name: "make_briefs",
  async run(_payload, ctx) {
    const { makeBrief } = await import("../../dashboards/brief.ts");
    const { briefsDir, readBriefIndex, recordBriefs } = await import("../../dashboards/brief-index.ts");
    const { launchChromium } = await import("../../tests/browser/chromium.ts");
    const { MANIFEST_FILE } = await import("../../dashboards/publish-data.ts");
    const { dashboards } = dataPaths();
    const site = join(dashboards, "site");
    const data = await latestData(dashboards);
    if (!data || !(await stat(join(site, "miasto.html")).catch(() => null))) {
      ctx.log("Briefs: no dashboards built yet; nothing to print");
      return { made: [], kept: [], failed: [] };
    }
    const dir = briefsDir(data.variant);
    const manifest = ManifestFingerprints.parse(
      JSON.parse(await readFile(join(data.dir, MANIFEST_FILE), "utf8")),
    ).fingerprints;
    // the page's code: Framework names every module a page imports by its hash, so its HTML changes with them
    const page = createHash("sha256")
      .update(await readFile(join(site, "miasto.html")))
      .digest("hex");
    const centres = (await readdir(join(data.dir, "centre")))
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5))
      .sort();
    const index = await readBriefIndex(dir);
    const made: string[] = [];
    const kept: string[] = [];
    const failed: { centreId: string; error: string }[] = [];
    const toPrint: { centreId: string; fingerprint: string }[] = [];
    for (const centreId of centres) {
      const fingerprint = createHash("sha256")
        .update(`${data.variant}\n${page}\n${manifest.global}\n${manifest.centres[centreId] ?? ""}`)
        .digest("hex");
      const previous = index.briefs[centreId];
      const exists = previous && (await stat(join(dir, previous.file)).catch(() => null))?.isFile();
      if (exists && previous.fingerprint === fingerprint) kept.push(centreId);
      else toPrint.push({ centreId, fingerprint });
    }
    if (toPrint.length > 0) {
      const browser = await launchChromium();
      try {
        for (const { centreId, fingerprint } of toPrint) {
          try {
            const brief = await makeBrief({ centreId, site, browser, variant: data.variant });
            // recorded at once: a brief printed before a later one fails is not printed again
            await recordBriefs(dir, {
              [centreId]: {
                file: `${centreId}.pdf`,
                madeAt: new Date().toISOString(),
                dataBuildId: brief.dataBuildId,
                pages: brief.pages,
                fingerprint,
              },
            });
            made.push(centreId);
          } catch (e) {
            const error = (e as Error).message.split("\n")[0] ?? String(e);
            ctx.log(`✗ Brief of ${centreId} failed: ${error}`);
            failed.push({ centreId, error });
          }
        }
      } finally {
        await browser.close();
      }
    }
    ctx.log(
      `Briefs: ${made.length} made (${made.join(", ") || "none"}), ${kept.length} unchanged, ${failed.length} failed → ${dir}`,
    );
    if (failed.length > 0)
      throw new Error(
        `briefs failed for ${failed.map((f) => `${f.centreId} (${f.error})`).join("; ")}; the others are made`,
      );
    return { made, kept, failed };
  },
});
