/**
 * How the next build is made, and why: the one decision between a full and an incremental build,
 * taken for the service's build task (pipelines/tasks/build_warehouse.ts), `npm run refresh`
 * (warehouse/refresh.ts) and the benchmark (bench/incremental-run.ts). Pure: its caller reads the
 * published snapshot's build info and lists the known documents.
 */
import type { Fingerprint, SnapshotInfo } from "./build-info.ts";

/** Why a build is full. */
export type FullReason = "forced" | "no snapshot" | "code changed" | "reference changed" | "document gone";

export type BuildPlan =
  | { kind: "full"; reason: FullReason; why: string }
  | {
      kind: "incremental";
      /** The known documents the published snapshot lacks, in the order they are known. */
      documentIds: string[];
      /** Their centres, sorted: the centres whose per-centre models and tests are brought up to date. */
      centres: string[];
      why: string;
    }
  | { kind: "up to date"; why: string };

export interface PlanInput {
  /** Every known document (bundled and stored). */
  known: readonly { documentId: string; centreId: string }[];
  /** The published snapshot, or null when nothing is published. */
  snapshot: SnapshotInfo | null;
  /** The current code's fingerprint (buildFingerprint). */
  fingerprint: Fingerprint;
  /** A full build asked for, and by whom ("npm run refresh"): no other reason is looked for. */
  force?: string;
}

/** The parts of the fingerprint that are code (the reference figures are data: their own reason). */
const PARTS: { key: keyof Omit<Fingerprint, "fingerprint" | "reference">; what: string }[] = [
  { key: "extraction", what: "the extraction code or seeds" },
  { key: "models", what: "the models" },
  { key: "engine", what: "the build code" },
];

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Plan a build of the known documents against the published snapshot, saying why. */
export function planBuild(input: PlanInput): BuildPlan {
  if (input.force) return { kind: "full", reason: "forced", why: `a full build (${input.force})` };
  const { snapshot, fingerprint } = input;
  if (!snapshot)
    return { kind: "full", reason: "no snapshot", why: "nothing is published yet: a full build" };
  if (snapshot.build?.fingerprint !== fingerprint.fingerprint) {
    const built = snapshot.build;
    // Only the official reference figures changed (npm run reference): every rate reads them, so a full build.
    const codeSame = built && PARTS.every((p) => built[p.key] === fingerprint[p.key]);
    if (codeSame && built.reference !== undefined && built.reference !== fingerprint.reference)
      return {
        kind: "full",
        reason: "reference changed",
        why:
          fingerprint.reference === "none"
            ? "the official reference figures were removed: a full build"
            : "the official reference figures changed (npm run reference): a full build",
      };
    const changed = built
      ? PARTS.filter((p) => built[p.key] !== undefined && built[p.key] !== fingerprint[p.key]).map(
          (p) => p.what,
        )
      : [];
    if (built?.reference !== undefined && built.reference !== fingerprint.reference)
      changed.push("the official reference figures");
    const what = changed.length > 0 ? changed.join(", ") : "the code, models or seeds";
    return {
      kind: "full",
      reason: "code changed",
      why: built
        ? `the published snapshot was built from other code (${what} changed): a full build`
        : "the published snapshot does not say what it was built from: a full build",
    };
  }
  const known = new Set(input.known.map((d) => d.documentId));
  const gone = snapshot.documentIds.filter((id) => !known.has(id));
  if (gone.length > 0)
    return {
      kind: "full",
      reason: "document gone",
      why: `${plural(gone.length, "published document is", "published documents are")} no longer known (${gone.slice(0, 3).join(", ")}${gone.length > 3 ? ", …" : ""}): a full build`,
    };
  const published = new Set(snapshot.documentIds);
  const added = input.known.filter((d) => !published.has(d.documentId));
  if (added.length === 0)
    return { kind: "up to date", why: "the published snapshot holds every known document" };
  const centres = [...new Set(added.map((d) => d.centreId))].sort();
  return {
    kind: "incremental",
    documentIds: added.map((d) => d.documentId),
    centres,
    why: `${plural(added.length, "new document", "new documents")}, ${plural(centres.length, "centre", "centres")} ${centres.join(", ")}`,
  };
}
