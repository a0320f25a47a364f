import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DuckDBConnection, DuckDBInstance, listValue } from "@duckdb/node-api";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { sqlLiteral } from "./duckdb.ts";

/** SQL models live in models/<layer>/<name>.sql with <name>.yml beside them, dbt-style. */
export const MODELS_DIR = fileURLToPath(new URL("../models/", import.meta.url));
export const LAYERS = ["staging", "intermediate", "marts"] as const;

/**
 * The models a build runs: models/ of the checkout, unless OBS_MODELS_DIR names another folder of the
 * same layout (a test adds a model of its own there). The seeds are always models/seeds.
 */
export const modelsDir = (): string => process.env.OBS_MODELS_DIR || MODELS_DIR;

/**
 * The centres a build brings up to date, one row per centre_id: every centre in a full build, the
 * centres of the new documents in an incremental one. The engine fills it (warehouse/scope.ts); a
 * model declaring `partition_by: centre_id` reads its per-centre inputs through it.
 */
export const TOUCHED_CENTRES = "build.touched_centres";

/** Schemas a model may read besides the models': the loaded documents, the seeds, the engine's table. */
const SOURCES = new Set(["raw", "seeds", "build"]);

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

/**
 * A model-level test: a query returning the rows that fail it (dbt's singular tests / expression_is_true).
 * One that reads build.touched_centres is checked on the centres a build touches (every centre in a full
 * build); one that does not is checked whole.
 */
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
  /**
   * How the model updates, as dbt's incremental models declare it. `centre_id`: each centre's rows
   * come from that centre's inputs only, so a build replaces the touched centres' rows; the SQL reads
   * its per-centre inputs through build.touched_centres. Nothing declared: the model is rebuilt whole
   * whenever something it reads changes (and what reads it, when its content changed).
   */
  partition_by: z.literal("centre_id").optional(),
  columns: z
    .record(
      z.string(),
      z.object({ description: z.string().optional(), tests: z.array(ColumnTest).optional() }),
    )
    .default({}),
  tests: z.array(ModelTest).default([]),
});
export type ModelSpec = z.infer<typeof ModelSpec>;

export interface DataTest {
  model: string;
  name: string;
  severity: "error" | "warn";
  description: string;
  sql: string;
  /** Every table the test reads (schema.name), as DuckDB's parser sees its SQL. */
  reads: string[];
  /** It reads build.touched_centres: it checks the touched centres' rows only. */
  perCentre: boolean;
}

export interface Model {
  /** schema.name, e.g. marts.families */
  id: string;
  layer: (typeof LAYERS)[number];
  name: string;
  sql: string;
  spec: ModelSpec;
  /** `centre_id` when the .yml declares `partition_by: centre_id`, else null (rebuilt whole). */
  partitionBy: "centre_id" | null;
  /** Every table its SQL reads (schema.name): models, raw.*, seeds.*, build.touched_centres. */
  reads: string[];
  /** The models among `reads`. */
  dependsOn: string[];
  tests: DataTest[];
}

/**
 * The tables each SELECT reads, from DuckDB's own parser (json_serialize_sql, every statement in one
 * query): schema-qualified base tables only (a CTE's name has no schema), sorted; DuckDB's message
 * (a string) for a statement that does not parse.
 */
export async function tablesRead(
  sqls: string[],
  /** An open connection to parse with (a build's); else an in-memory database of its own. */
  on?: DuckDBConnection,
): Promise<(string[] | string)[]> {
  const instance = on ? null : await DuckDBInstance.create(":memory:");
  const connection = on ?? (await (instance as DuckDBInstance).connect());
  try {
    const reader = await connection.runAndReadAll(
      `select json_serialize_sql(s) as j
       from (select unnest($1::varchar[]) as s, generate_subscripts($1::varchar[], 1) as i) order by i`,
      [listValue(sqls)],
    );
    return reader.getRowObjectsJS().map((row) => {
      const tree = JSON.parse(String(row.j)) as { error?: boolean; error_message?: string };
      if (tree.error) return tree.error_message ?? "the SQL does not parse";
      const tables = new Set<string>();
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) for (const n of node) walk(n);
        else if (node !== null && typeof node === "object") {
          const o = node as Record<string, unknown>;
          if (o.type === "BASE_TABLE" && typeof o.schema_name === "string" && o.schema_name !== "")
            tables.add(`${o.schema_name}.${String(o.table_name)}`);
          for (const v of Object.values(o)) walk(v);
        }
      };
      walk(tree);
      return [...tables].sort();
    });
  } finally {
    if (instance) {
      connection.closeSync();
      instance.closeSync();
    }
  }
}

/** A statement as a subquery takes it: no surrounding white space, no closing semicolon. */
function withoutSemicolon(sql: string): string {
  let s = sql.trim();
  while (s.endsWith(";")) s = s.slice(0, -1).trimEnd();
  return s;
}

/** Every model with its data tests, in an order where each comes after the models it reads. */
export async function loadModels(dir = modelsDir(), on?: DuckDBConnection): Promise<Model[]> {
  const files: ModelFile[] = [];
  for (const layer of LAYERS) {
    const layerDir = join(dir, layer);
    let names: string[];
    try {
      names = readdirSync(layerDir).filter((f) => f.endsWith(".sql"));
    } catch {
      continue;
    }
    for (const file of names.sort()) {
      const name = basename(file, ".sql");
      const sql = withoutSemicolon(readFileSync(join(layerDir, file), "utf8"));
      const specPath = join(layerDir, `${name}.yml`);
      let specRaw: unknown;
      try {
        specRaw = parseYaml(readFileSync(specPath, "utf8"));
      } catch (e) {
        throw new Error(`model ${layer}.${name} has no readable ${specPath}: ${(e as Error).message}`);
      }
      const spec = ModelSpec.safeParse(specRaw);
      if (!spec.success) throw new Error(`${specPath}: ${z.prettifyError(spec.error)}`);
      files.push({ layer, name, sql, spec: spec.data });
    }
  }
  // Parsed once per content: the service builds again and again from the same files.
  const key = createHash("sha256").update(dir).update(JSON.stringify(files)).digest("hex");
  const cached = parsed.get(key);
  if (cached) return cached;
  const models = parseModels(files, on);
  parsed.clear();
  parsed.set(key, models);
  models.catch(() => parsed.delete(key));
  return models;
}

type ModelFile = { layer: Model["layer"]; name: string; sql: string; spec: ModelSpec };
const parsed = new Map<string, Promise<Model[]>>();

async function parseModels(files: ModelFile[], on?: DuckDBConnection): Promise<Model[]> {
  const ids = new Set(files.map((f) => `${f.layer}.${f.name}`));
  const partitioned = new Set(files.filter((f) => f.spec.partition_by).map((f) => `${f.layer}.${f.name}`));
  const drafts = files.map((f) => {
    const id = `${f.layer}.${f.name}`;
    return { f, id, tests: generatedTests({ id, spec: f.spec }, partitioned) };
  });
  // Every model's and test's SQL parsed in one go; then each checked in order.
  const parsedReads = await tablesRead(
    drafts.flatMap((d) => [d.f.sql, ...d.tests.map((t) => t.sql)]),
    on,
  );
  let next = 0;
  const readsOf = (what: string) => {
    const reads = parsedReads[next++] ?? "not parsed";
    if (typeof reads === "string") throw new Error(`${what}: its SQL does not parse: ${reads}`);
    for (const t of reads) {
      const schema = t.split(".")[0] ?? "";
      if (SOURCES.has(schema) ? schema === "build" && t !== TOUCHED_CENTRES : !ids.has(t))
        throw new Error(`${what} reads ${t}, which is no model, raw or seed table`);
    }
    return reads;
  };
  const models = drafts.map(({ f, id, tests }): Model => {
    const reads = readsOf(`model ${id}`);
    const partitionBy = f.spec.partition_by ?? null;
    if (partitionBy && !reads.includes(TOUCHED_CENTRES))
      throw new Error(
        `model ${id} declares partition_by: ${partitionBy} but does not read ${TOUCHED_CENTRES}: its per-centre inputs must be read through it`,
      );
    if (!partitionBy && reads.includes(TOUCHED_CENTRES))
      throw new Error(
        `model ${id} reads ${TOUCHED_CENTRES} but declares no partition_by: a model rebuilt whole reads every centre`,
      );
    return {
      id,
      layer: f.layer,
      name: f.name,
      sql: f.sql,
      spec: f.spec,
      partitionBy,
      reads,
      dependsOn: reads.filter((t) => ids.has(t) && t !== id),
      tests: tests.map((t) => {
        const testReads = readsOf(`data test ${id}: ${t.name}`);
        const perCentre = testReads.includes(TOUCHED_CENTRES);
        if (perCentre && !partitionBy)
          throw new Error(
            `data test ${id}: ${t.name} reads ${TOUCHED_CENTRES}, but its model declares no partition_by`,
          );
        return { ...t, reads: testReads, perCentre };
      }),
    };
  });
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

/** A table's rows as a data test reads them: a partitioned model's rows of the touched centres only. */
const rowsOf = (table: string, partitioned: ReadonlySet<string>) =>
  partitioned.has(table)
    ? `(select * from ${table} where centre_id in (select centre_id from ${TOUCHED_CENTRES}))`
    : table;

const literal = (v: string | number | boolean) => (typeof v === "string" ? sqlLiteral(v) : String(v));

/** The data tests of a model as SQL queries returning failing rows (their `reads` not yet known). */
function generatedTests(
  model: { id: string; spec: ModelSpec },
  partitioned: ReadonlySet<string>,
): Omit<DataTest, "reads" | "perCentre">[] {
  const t: Omit<DataTest, "reads" | "perCentre">[] = [];
  const grain = model.spec.grain;
  const rows = rowsOf(model.id, partitioned);
  t.push({
    model: model.id,
    name: "unique_grain",
    severity: "error",
    description: `one row per ${grain.join(" × ")}`,
    sql: `select ${grain.join(", ")}, count(*) as n from ${rows} m group by all having count(*) > 1`,
  });
  for (const [col, def] of Object.entries(model.spec.columns)) {
    for (const test of def.tests ?? []) {
      if (test === "unique") {
        t.push({
          model: model.id,
          name: `unique_${col}`,
          severity: "error",
          description: `${col} is unique`,
          sql: `select ${col}, count(*) as n from ${rows} m group by all having count(*) > 1`,
        });
      } else if (test === "not_null") {
        t.push({
          model: model.id,
          name: `not_null_${col}`,
          severity: "error",
          description: `${col} is never null`,
          sql: `select * from ${rows} m where ${col} is null`,
        });
      } else if ("not_null" in test) {
        const where = test.not_null.where ? ` and (${test.not_null.where})` : "";
        t.push({
          model: model.id,
          name: `not_null_${col}`,
          severity: test.not_null.severity ?? "error",
          description: `${col} is never null${where ? ` where ${test.not_null.where}` : ""}`,
          sql: `select * from ${rows} m where ${col} is null${where}`,
        });
      } else if ("accepted_values" in test) {
        const values = test.accepted_values.values.map(literal).join(", ");
        t.push({
          model: model.id,
          name: `accepted_values_${col}`,
          severity: test.accepted_values.severity ?? "error",
          description: `${col} is one of ${values}`,
          sql: `select * from ${rows} m where ${col} is not null and ${col} not in (${values})`,
        });
      } else if ("relationships" in test) {
        const { to, field } = test.relationships;
        t.push({
          model: model.id,
          name: `relationships_${col}`,
          severity: test.relationships.severity ?? "error",
          description: `every ${col} exists in ${to}.${field}`,
          sql: `select m.* from ${rows} m where m.${col} is not null and not exists (select 1 from ${rowsOf(to, partitioned)} r where r.${field} = m.${col})`,
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
      sql: withoutSemicolon(test.sql),
    });
  }
  return t;
}
