// The bytes a built page transfers: its HTML and every file it references (styles, modules, FileAttachments).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pageBytes, referencedFiles } from "./page-bytes.ts";

describe("pageBytes", () => {
  const site = mkdtempSync(join(tmpdir(), "obs-page-bytes-"));
  afterAll(() => rmSync(site, { recursive: true, force: true }));

  it("sums the page, its stylesheets and modules, and its data files; not links to other pages or sites", async () => {
    mkdirSync(join(site, "_import"), { recursive: true });
    mkdirSync(join(site, "_file", "data"), { recursive: true });
    mkdirSync(join(site, "miasto"), { recursive: true });
    const html = `<!DOCTYPE html><html><head>
<link rel="preload" as="style" href="./_import/style.1.css">
<link rel="stylesheet" type="text/css" href="./_import/style.1.css">
<link rel="modulepreload" href="./_import/client.2.js">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="https://example.com/x.css">
<script type="module">
import {registerFile} from "./_import/client.2.js";
registerFile("./data/overview.json", {"name":"./data/overview.json","mimeType":"application/json","path":"./_file/data/overview.3.json","size":1000});
</script></head><body><a href="./kadry">Kadry</a><a href="./_file/data/marts.9.parquet" download>x</a></body></html>`;
    writeFileSync(join(site, "index.html"), html);
    writeFileSync(join(site, "_import", "style.1.css"), "a{}".repeat(100));
    writeFileSync(join(site, "_import", "client.2.js"), "export const x = 1;\n".repeat(50));
    writeFileSync(join(site, "_file", "data", "overview.3.json"), JSON.stringify({ a: "x".repeat(1000) }));
    writeFileSync(join(site, "_file", "data", "marts.9.parquet"), "y".repeat(100_000));
    writeFileSync(join(site, "miasto", "wroclaw.html"), "<html></html>");

    expect(referencedFiles(html).map((r) => r.kind)).toEqual(["stylesheet", "script", "data"]);
    const r = await pageBytes(site, "/");
    expect(r.files.map((f) => f.path).sort()).toEqual(
      ["index.html", "_import/style.1.css", "_import/client.2.js", "_file/data/overview.3.json"].sort(),
    );
    expect(r.bytes).toBe(html.length + 300 + 1000 + 1008);
    expect(r.data_bytes).toBe(1008);
    expect(r.gzip_bytes).toBeLessThan(r.bytes);
    expect((await pageBytes(site, "/miasto/wroclaw")).files).toHaveLength(1);
    await expect(pageBytes(site, "/nie-ma")).rejects.toThrow(/no built page/);
  });

  it("counts the published data a page fetches by name, from the current data build beside the site", async () => {
    const root = mkdtempSync(join(tmpdir(), "obs-page-bytes-data-"));
    try {
      const pages = join(root, "site");
      const build = join(root, "data", "internal", "20261203T120000000Z-1");
      mkdirSync(join(build, "centre"), { recursive: true });
      mkdirSync(pages, { recursive: true });
      writeFileSync(
        join(root, "data", "internal", "current.json"),
        JSON.stringify({
          buildId: "20261203T120000000Z-1",
          public: false,
          publishedAt: "2026-12-03T12:00:00Z",
          warehousePublishedAt: "2026-12-03T12:00:00Z",
        }),
      );
      writeFileSync(join(build, "overview.json"), "x".repeat(500));
      writeFileSync(join(build, "centres.json"), "c".repeat(50));
      writeFileSync(join(build, "centre", "wroclaw.json"), "w".repeat(700));
      const page = (body: string) => `<html><head><script type="module">${body}</script></head></html>`;
      writeFileSync(join(pages, "index.html"), page('const overview = await loadData("overview.json");'));
      writeFileSync(
        join(pages, "miasto.html"),
        page(
          'const d = await loadData("centre/" + id + ".json"); const all = await loadData("centres.json");',
        ),
      );
      const front = await pageBytes(pages, "/");
      expect(front.files.filter((f) => f.kind === "data").map((f) => f.path)).toEqual(["data/overview.json"]);
      expect(front.data_bytes).toBe(500);
      const city = await pageBytes(pages, "/miasto?c=wroclaw");
      expect(city.files.filter((f) => f.kind === "data").map((f) => f.path)).toEqual([
        "data/centre/wroclaw.json",
      ]);
      expect((await pageBytes(pages, "/miasto")).data_bytes).toBe(50); // the list of centres
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
