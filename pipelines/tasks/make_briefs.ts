import { createHash } from "node:crypto";
import { link, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { dataPaths } from "../../lib/config.ts";
import { defineTask } from "../context.ts";

/** What a brief was made from: when it no longer matches, the centre's figures or its page changed. */
const Made = z.object({ fingerprint: z.string(), madeAt: z.string() });

/** Every file of the built site that decides one centre's page: the page and the centre's data files. */
async function fingerprintOf(site: string, centreId: string): Promise<string> {
  const hash = createHash("sha256");
  hash.update(await readFile(join(site, "miasto", `${centreId}.html`)));
  const files = (await readdir(site, { recursive: true })) as string[];
  const own = new RegExp(`(^|/)${centreId.replace(/[^a-z0-9-]/g, "")}\\.([0-9a-f]+\\.)?json$`);
  for (const f of files.filter((f) => own.test(f)).sort())
    hash.update(f).update(await readFile(join(site, f)));
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
    const site = join(dataPaths().dashboards, "site");
    const dir = briefsDir();
    await mkdir(dir, { recursive: true });
    const centres = (await readdir(join(site, "miasto")))
      .filter((f) => f.endsWith(".html"))
      .map((f) => f.slice(0, -5));
    const made: string[] = [];
    const kept: string[] = [];
    const browser = await launchChromium();
    try {
      for (const centreId of centres) {
        const fingerprint = await fingerprintOf(site, centreId);
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
