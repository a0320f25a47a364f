import { describe, expect, it } from "vitest";
import type { Fingerprint } from "./build-info.ts";
import { planBuild } from "./plan.ts";

const fingerprint: Fingerprint = {
  fingerprint: "f1",
  extraction: "e1",
  models: "m1",
  engine: "b1",
  reference: "r1",
};
const doc = (documentId: string, centreId: string) => ({ documentId, centreId });
const known = [doc("a1", "wroclaw"), doc("b1", "katowice")];
const snapshot = (documentIds: string[], build: Partial<Fingerprint> | null = fingerprint) => ({
  build: build && { fingerprint: "f1", ...build },
  documentIds,
});

describe("planBuild: one decision between a full and an incremental build, and why", () => {
  it("builds in full when asked to, whatever else holds", () => {
    const plan = planBuild({ known, snapshot: snapshot(["a1"]), fingerprint, force: "npm run refresh" });
    expect(plan).toEqual({ kind: "full", reason: "forced", why: "a full build (npm run refresh)" });
  });

  it("builds in full when nothing is published yet", () => {
    expect(planBuild({ known, snapshot: null, fingerprint })).toMatchObject({
      kind: "full",
      reason: "no snapshot",
    });
  });

  it("builds in full when the code, models or seeds changed, and names what changed", () => {
    const models = planBuild({
      known,
      snapshot: snapshot(["a1"], { fingerprint: "f0", extraction: "e1", models: "m0", engine: "b1" }),
      fingerprint,
    });
    expect(models).toMatchObject({ kind: "full", reason: "code changed" });
    expect(models.why).toMatch(/\(the models changed\)/);
    const seeds = planBuild({
      known,
      snapshot: snapshot(["a1"], { fingerprint: "f0", extraction: "e0", models: "m1", engine: "b0" }),
      fingerprint,
    });
    expect(seeds.why).toMatch(/\(the extraction code or seeds, the build code changed\)/);
    // A snapshot that records only the whole fingerprint (built before the parts were recorded).
    const old = planBuild({ known, snapshot: snapshot(["a1"], { fingerprint: "f0" }), fingerprint });
    expect(old).toMatchObject({ kind: "full", reason: "code changed" });
    expect(old.why).toMatch(/the code, models or seeds changed/);
    // One that records nothing.
    const none = planBuild({ known, snapshot: snapshot(["a1"], null), fingerprint });
    expect(none).toMatchObject({ kind: "full", reason: "code changed" });
    expect(none.why).toMatch(/does not say what it was built from/);
  });

  it("builds in full when only the official reference figures changed, and says so", () => {
    const built = { fingerprint: "f0", extraction: "e1", models: "m1", engine: "b1", reference: "r0" };
    const plan = planBuild({ known, snapshot: snapshot(["a1", "b1"], built), fingerprint });
    expect(plan).toEqual({
      kind: "full",
      reason: "reference changed",
      why: "the official reference figures changed (npm run reference): a full build",
    });
    // Even with new documents waiting: the reference figures are read by every centre's rates.
    const withNew = planBuild({
      known: [...known, doc("c1", "jaworzno")],
      snapshot: snapshot(["a1"], built),
      fingerprint,
    });
    expect(withNew).toMatchObject({ kind: "full", reason: "reference changed" });
    // Reference data removed (figures.csv gone).
    const removed = planBuild({
      known,
      snapshot: snapshot(["a1", "b1"], built),
      fingerprint: { ...fingerprint, reference: "none" },
    });
    expect(removed.why).toMatch(/reference figures were removed/);
    // Code and reference data both changed: the code reason, naming both.
    const both = planBuild({
      known,
      snapshot: snapshot(["a1", "b1"], { ...built, models: "m0" }),
      fingerprint,
    });
    expect(both).toMatchObject({ kind: "full", reason: "code changed" });
    expect(both.why).toMatch(/\(the models, the official reference figures changed\)/);
    // Same reference data, nothing new: up to date.
    expect(
      planBuild({
        known,
        snapshot: snapshot(["a1", "b1"], { ...built, fingerprint: "f1", reference: "r1" }),
        fingerprint,
      }),
    ).toMatchObject({ kind: "up to date" });
  });

  it("builds in full when a published document is no longer known", () => {
    const plan = planBuild({ known: [doc("b1", "katowice")], snapshot: snapshot(["a1", "b1"]), fingerprint });
    expect(plan).toMatchObject({ kind: "full", reason: "document gone" });
    expect(plan.why).toMatch(/1 published document is no longer known \(a1\)/);
  });

  it("builds incrementally the documents the snapshot lacks, naming their centres", () => {
    const plan = planBuild({
      known: [...known, doc("c1", "wroclaw"), doc("d1", "jaworzno"), doc("e1", "wroclaw")],
      snapshot: snapshot(["a1", "b1"]),
      fingerprint,
    });
    expect(plan).toEqual({
      kind: "incremental",
      documentIds: ["c1", "d1", "e1"],
      centres: ["jaworzno", "wroclaw"],
      why: "3 new documents, 2 centres jaworzno, wroclaw",
    });
  });

  it("has nothing to build when the snapshot holds every known document", () => {
    expect(planBuild({ known, snapshot: snapshot(["b1", "a1"]), fingerprint })).toMatchObject({
      kind: "up to date",
    });
  });
});
