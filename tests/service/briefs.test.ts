// The committee briefs the service prints after each dashboards publish (pipelines/tasks/make_briefs.ts):
// every centre at first, then only the centres whose figures changed; a centre whose brief fails is
// reported (the run fails naming it) while the others are printed and the service goes on, and the
// retry prints it once the cause is gone. The PDFs and their index are served under /briefs/ and the
// city page links its brief with its date. Real service (embedded Postgres, graphile-worker), real
// Chromium, the bundled reports.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BriefIndex } from "../../dashboards/brief-index.ts";
import { launchChromium } from "../browser/chromium.ts";
import {
  freshDataDir,
  JAWORZNO,
  openRunLog,
  type ServiceProcess,
  startService,
  stopServices,
  until,
} from "./helpers.ts";

describe("the service's committee briefs", () => {
  const data = freshDataDir("obs-service-briefs-");
  // the service on loopback publishes the internal data, and prints from it
  const briefs = join(data, "briefs", "internal");
  const readIndex = () => BriefIndex.parse(JSON.parse(readFileSync(join(briefs, "index.json"), "utf8")));
  let service: ServiceProcess;
  let browser: Browser;
  let centres: string[];

  beforeAll(async () => {
    browser = await launchChromium();
    service = startService(data, { args: ["--port", "0"] });
    await service.waitFor(/Ready in/);
    await service.waitFor(/Briefs: \d+ made/);
    const internal = join(data, "dashboards", "data", "internal");
    const { buildId } = JSON.parse(readFileSync(join(internal, "current.json"), "utf8"));
    centres = readdirSync(join(internal, buildId, "centre"))
      .map((f) => f.replace(/\.json$/, ""))
      .sort();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await stopServices();
    rmSync(data, { recursive: true, force: true });
  });

  it("prints every centre after the first publish, into $OBS_DATA_DIR, and serves and links them", async () => {
    expect(centres.length).toBe(4);
    expect(service.lines.find((l) => /Briefs: \d+ made/.test(l))).toMatch(
      /Briefs: 4 made .*0 unchanged, 0 failed/,
    );
    const index = readIndex();
    expect(Object.keys(index.briefs).sort()).toEqual(centres);
    for (const id of centres) {
      const pdf = readFileSync(join(briefs, `${id}.pdf`));
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      expect(index.briefs[id]?.pages).toBeGreaterThan(0);
    }
    const url = service.url();
    expect(url).toBeTruthy();
    const served = await fetch(`${url}/briefs/jaworzno.pdf`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await served.arrayBuffer()).equals(readFileSync(join(briefs, "jaworzno.pdf")))).toBe(
      true,
    );
    const page = await browser.newPage();
    try {
      await page.goto(`${url}/miasto?c=jaworzno`, { waitUntil: "networkidle" });
      const link = page.locator("a.brief-link");
      await expect
        .poll(() => link.textContent(), { timeout: 30_000 })
        .toMatch(/^Raport PDF z \d\d\.\d\d\.\d{4}, \d\d:\d\d$/);
      expect(await link.getAttribute("href")).toBe("./briefs/jaworzno.pdf");
    } finally {
      await page.close();
    }
  }, 120_000);

  it("after a changed report prints only its centre; a failing centre is reported and retried, the rest go on", async () => {
    const before = readIndex();
    const mtime = (id: string) => statSync(join(briefs, `${id}.pdf`)).mtimeMs;
    const untouched = centres.filter((id) => id !== "jaworzno" && id !== "katowice");
    const mtimesBefore = untouched.map(mtime);
    // Katowice's PDF cannot be written: its path is a directory with a file in it (as a full or broken disk
    // would, the print fails when the PDF is renamed into place)
    rmSync(join(briefs, "katowice.pdf"));
    mkdirSync(join(briefs, "katowice.pdf"));
    writeFileSync(join(briefs, "katowice.pdf", "blocker"), "");

    // a corrected version of Jaworzno's 2023 report: its figures change, no other centre's do
    const corrected = readFileSync(JAWORZNO, "utf8").replace(
      "Wsparcie asystenta 106",
      "Wsparcie asystenta 117",
    );
    expect(corrected).toContain("Wsparcie asystenta 117");
    const from = service.lines.length;
    writeFileSync(join(data, "inbox", "jaworzno-2023-korekta.txt"), corrected);
    await service.waitFor(/Published \d+ figures from \d+ documents/, from);
    const failedLine = await service.waitFor(/Briefs: \d+ made/, from);
    expect(failedLine).toMatch(/Briefs: 1 made \(jaworzno\), 2 unchanged, 1 failed/);
    expect(service.lines.slice(from).some((l) => /✗ Brief of katowice failed/.test(l))).toBe(true);

    const after = readIndex();
    expect(after.briefs.jaworzno?.madeAt).not.toBe(before.briefs.jaworzno?.madeAt);
    expect(after.briefs.jaworzno?.dataBuildId).not.toBe(before.briefs.jaworzno?.dataBuildId);
    for (const id of untouched) expect(after.briefs[id]).toEqual(before.briefs[id]);
    expect(untouched.map(mtime)).toEqual(mtimesBefore);

    // the failure is in the run log, naming the centre; the service is still up and serving
    const log = await openRunLog(data);
    try {
      const failed = await until("the failed make_briefs run", async () => {
        const rows = await log.db
          .selectFrom("obs.runs")
          .select(["status", "error"])
          .where("task", "=", "make_briefs")
          .where("status", "=", "failed")
          .execute();
        return rows[0];
      });
      expect(failed.error).toMatch(/briefs failed for katowice/);
      // the cause gone, the retry prints Katowice, and only Katowice
      rmSync(join(briefs, "katowice.pdf"), { recursive: true });
      const retried = await service.waitFor(/Briefs: \d+ made \(katowice\)/, from);
      expect(retried).toMatch(/Briefs: 1 made \(katowice\), 3 unchanged, 0 failed/);
    } finally {
      await log.close();
    }
    expect(service.child.exitCode).toBeNull();
    expect(readFileSync(join(briefs, "katowice.pdf")).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(readIndex().briefs.katowice?.madeAt).not.toBe(before.briefs.katowice?.madeAt);
  }, 300_000);
});
