import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DIR = fileURLToPath(new URL("./", import.meta.url));

/** warehouse/ is split by concern; no module imports one that imports it back (directly or not). */
describe("warehouse/ modules", () => {
  it("import each other without a cycle", () => {
    const imports = new Map<string, string[]>();
    for (const f of readdirSync(DIR).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"))) {
      const text = readFileSync(`${DIR}${f}`, "utf8");
      imports.set(
        f,
        [...text.matchAll(/from "\.\/([^"]+\.ts)"/g)].map((m) => m[1] as string),
      );
    }
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (path.includes(f)) {
        cycles.push([...path.slice(path.indexOf(f)), f].join(" → "));
        return;
      }
      for (const g of imports.get(f) ?? []) visit(g, [...path, f]);
    };
    for (const f of imports.keys()) visit(f, []);
    expect(cycles).toEqual([]);
    expect(imports.has("incremental.ts")).toBe(false);
  });
});
