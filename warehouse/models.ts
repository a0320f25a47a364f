import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/** SQL models live in models/<layer>/<name>.sql with <name>.yml beside them, dbt-style. */
export const MODELS_DIR = fileURLToPath(new URL("../models/", import.meta.url));
export const LAYERS = ["staging", "intermediate", "marts"] as const;

const Severity = z.enum(["error", "warn"]);

/** A generic column test (dbt's unique / not_null / accepted_values / relationships). */
const ColumnTest = z.union([
  z.enum(["unique", "not_null"]),
  z.object({
    accepted_values: z.object({
      values: z.array(z.union([z.string(), z.number(), z.boolean()])),
      severity: Severity.optional(),
    }),
  }),
  z.object({ relationships: z.object({ to: z.string(), field: z.string(), severity: Severity.optional() }) }),
  z.object({ not_null: z.object({ severity: Severity.optional(), where: z.string().optional() }) }),
]);

/** A model-level test: a query returning the rows that fail it (dbt's singular tests / expression_is_true). */
const ModelTest = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  description: z.string().min(1),
  severity: Severity.default("error"),
  /** SELECT returning failing rows; columns centre_id, period_id, metric_id, breakdown, document_id, line, message_pl are used when present. */
  sql: z.string().min(1),
});

export const ModelSpec = z.object({
  description: z.string().min(1),
  /** The grain, in words and as the columns that are unique together. */
  grain: z.array(z.string()).min(1),
  columns: z
    .record(
      z.string(),
      z.object({ description: z.string().optional(), tests: z.array(ColumnTest).optional() }),
    )
    .default({}),
  tests: z.array(ModelTest).default([]),
});
export type ModelSpec = z.infer<typeof ModelSpec>;

export interface Model {
  /** schema.name, e.g. marts.families */
  id: string;
  layer: (typeof LAYERS)[number];
  name: string;
  sql: string;
  spec: ModelSpec;
  dependsOn: string[];
}

export interface DataTest {
  model: string;
  name: string;
  severity: "error" | "warn";
  description: string;
  sql: string;
}

/** Every model, in an order where each comes after the models it reads. */
export function loadModels(dir = MODELS_DIR): Model[] {
  const models: Model[] = [];
  for (const layer of LAYERS) {
    const layerDir = join(dir, layer);
    let files: string[];
    try {
      files = readdirSync(layerDir).filter((f) => f.endsWith(".sql"));
    } catch {
      continue;
    }
    for (const file of files.sort()) {
      const name = basename(file, ".sql");
      const sql = readFileSync(join(layerDir, file), "utf8").trim().replace(/;\s*$/, "");
      const specPath = join(layerDir, `${name}.yml`);
      let specRaw: unknown;
      try {
        specRaw = parseYaml(readFileSync(specPath, "utf8"));
      } catch (e) {
        throw new Error(`model ${layer}.${name} has no readable ${specPath}: ${(e as Error).message}`);
      }
      const spec = ModelSpec.safeParse(specRaw);
      if (!spec.success) throw new Error(`${specPath}: ${z.prettifyError(spec.error)}`);
      const refs = new Set<string>();
      for (const m of sql.matchAll(/\b(staging|intermediate|marts)\.([a-z_][a-z0-9_]*)/g))
        refs.add(`${m[1]}.${m[2]}`);
      models.push({ id: `${layer}.${name}`, layer, name, sql, spec: spec.data, dependsOn: [...refs] });
    }
  }
  return topologicalOrder(models);
}

function topologicalOrder(models: Model[]): Model[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: Model[] = [];
  const visit = (m: Model, path: string[]) => {
    if (done.has(m.id)) return;
    if (visiting.has(m.id))
      throw new Error(`models depend on each other in a cycle: ${[...path, m.id].join(" → ")}`);
    visiting.add(m.id);
    for (const dep of m.dependsOn) {
      if (dep === m.id) continue;
      const d = byId.get(dep);
      if (!d) throw new Error(`model ${m.id} reads ${dep}, which is no model`);
      visit(d, [...path, m.id]);
    }
    visiting.delete(m.id);
    done.add(m.id);
    out.push(m);
  };
  for (const m of models) visit(m, []);
  return out;
}

const quoteLiteral = (v: string | number | boolean) =>
  typeof v === "string" ? `'${v.replaceAll("'", "''")}'` : String(v);

/** The data tests of a model as SQL queries returning failing rows. */
export function testsOf(model: Model): DataTest[] {
  const t: DataTest[] = [];
  const grain = model.spec.grain;
  t.push({
    model: model.id,
    name: "unique_grain",
    severity: "error",
    description: `one row per ${grain.join(" × ")}`,
    sql: `select ${grain.join(", ")}, count(*) as n from ${model.id} group by all having count(*) > 1`,
  });
  for (const [col, def] of Object.entries(model.spec.columns)) {
    for (const test of def.tests ?? []) {
      if (test === "unique") {
        t.push({
          model: model.id,
          name: `unique_${col}`,
          severity: "error",
          description: `${col} is unique`,
          sql: `select ${col}, count(*) as n from ${model.id} group by all having count(*) > 1`,
        });
      } else if (test === "not_null") {
        t.push({
          model: model.id,
          name: `not_null_${col}`,
          severity: "error",
          description: `${col} is never null`,
          sql: `select * from ${model.id} where ${col} is null`,
        });
      } else if ("not_null" in test) {
        const where = test.not_null.where ? ` and (${test.not_null.where})` : "";
        t.push({
          model: model.id,
          name: `not_null_${col}`,
          severity: test.not_null.severity ?? "error",
          description: `${col} is never null${where ? ` where ${test.not_null.where}` : ""}`,
          sql: `select * from ${model.id} where ${col} is null${where}`,
        });
      } else if ("accepted_values" in test) {
        const values = test.accepted_values.values.map(quoteLiteral).join(", ");
        t.push({
          model: model.id,
          name: `accepted_values_${col}`,
          severity: test.accepted_values.severity ?? "error",
          description: `${col} is one of ${values}`,
          sql: `select * from ${model.id} where ${col} is not null and ${col} not in (${values})`,
        });
      } else if ("relationships" in test) {
        const { to, field } = test.relationships;
        t.push({
          model: model.id,
          name: `relationships_${col}`,
          severity: test.relationships.severity ?? "error",
          description: `every ${col} exists in ${to}.${field}`,
          sql: `select m.* from ${model.id} m where m.${col} is not null and not exists (select 1 from ${to} r where r.${field} = m.${col})`,
        });
      }
    }
  }
  for (const test of model.spec.tests) {
    t.push({
      model: model.id,
      name: test.name,
      severity: test.severity,
      description: test.description,
      sql: test.sql.trim().replace(/;\s*$/, ""),
    });
  }
  return t;
}
