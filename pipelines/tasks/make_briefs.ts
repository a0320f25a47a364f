import { createHash } from "node:crypto";
import { link, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { dataPaths } from "../../lib/config.ts";
import { defineTask } from "../context.ts";

/** What a brief was made from: when it no longer matches, the centre's figures or its page changed. */
const Made = z.object({ fingerprint: z.string(), madeAt: z.string() });

/**
 * What decides one centre's brief: the city page of the site (one template for every centre) and the
 * centre's file in the current published data (dashboards/publish-data.ts).
 */
async function fingerprintOf(site: string, data: string, centreId: string): Promise<string> {
  const hash = createHash("sha256");
  hash.update(await readFile(join(site, "miasto.html")));
  hash.update(await readFile(join(data, "centre", `${centreId}.json`)));
  return hash.digest("hex");
}

/**
 * The committee briefs (dashboards/brief.ts) after the dashboards were built: one A4 PDF per centre whose
 * page or figures changed since its last brief, kept in $OBS_DATA_DIR/briefs/ and linked into the served
 * site as briefs/<centre>.pdf (each build makes a new site directory, so the links are made every time).
 */
export default defineTask({
  name: "make_briefs",
  async run(_payload, ctx) {
    const { briefsDir, makeBrief } = await import("../../dashboards/brief.ts");
    const { launchChromium } = await import("../../tests/browser/chromium.ts");
    const { readPointer, variantDir } = await import("../../dashboards/publish-data.ts");
    const site = join(dataPaths().dashboards, "site");
    const dir = briefsDir();
    await mkdir(dir, { recursive: true });
    // the briefs print what the site serves on loopback: the internal data's current build
    const internal = variantDir("internal");
    const pointer = await readPointer(internal);
    if (pointer === null) {
      ctx.log("Briefs: no dashboards data published yet; nothing to print");
      return { made: [], kept: [], dir };
    }
    const data = join(internal, pointer.buildId);
    const centres = (await readdir(join(data, "centre")))
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5));
    const made: string[] = [];
    const kept: string[] = [];
    const browser = await launchChromium();
    try {
      for (const centreId of centres) {
        const fingerprint = await fingerprintOf(site, data, centreId);
        const record = join(dir, `${centreId}.json`);
        const previous = Made.safeParse(JSON.parse(await readFile(record, "utf8").catch(() => "null")));
        const pdf = join(dir, `${centreId}.pdf`);
        const exists = await readFile(pdf).then(
          () => true,
          () => false,
        );
        if (exists && previous.success && previous.data.fingerprint === fingerprint) {
          kept.push(centreId);
        } else {
          await makeBrief({ centreId, site, out: pdf, browser });
          await writeFile(record, JSON.stringify({ fingerprint, madeAt: new Date().toISOString() }));
          made.push(centreId);
        }
        // the served site links briefs/<centre>.pdf (a hard link: no copy, and the brief outlives the site)
        await mkdir(join(site, "briefs"), { recursive: true });
        await rm(join(site, "briefs", `${centreId}.pdf`), { force: true });
        await link(pdf, join(site, "briefs", `${centreId}.pdf`));
      }
    } finally {
      await browser.close();
    }
    ctx.log(`Briefs: ${made.length} made (${made.join(", ") || "none"}), ${kept.length} unchanged → ${dir}`);
    return { made, kept, dir };
  },
});
