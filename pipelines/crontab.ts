/**
 * The crontab (pipelines/crontab, UTC): parsed by graphile-worker, then held to our rules: every line
 * has its own fixed ?id=, names a task of the pipeline, and carries a payload that task accepts.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ParsedCronItem, parseCrontab } from "graphile-worker";
import { z } from "zod";
import { Payloads, TASK_NAMES, type TaskName } from "./payloads.ts";

export const CRONTAB_FILE = fileURLToPath(new URL("./crontab", import.meta.url));

export interface CronLine {
  id: string;
  task: TaskName;
  /** The line as written, for people. */
  schedule: string;
  item: ParsedCronItem;
}

export function parsePipelineCrontab(text: string, file = "crontab"): CronLine[] {
  let items: ParsedCronItem[];
  try {
    items = parseCrontab(text);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  return items.map((item, i) => {
    const line = lines[i] ?? "";
    const where = `${file}, schedule line ${i + 1} (${line})`;
    // Without ?id= graphile-worker names the item after its task: two lines of one task would clash.
    if (!/[?&]id=/.test(line)) throw new Error(`${where}: every line needs a fixed ?id=`);
    if (!TASK_NAMES.includes(item.task as TaskName)) {
      throw new Error(`${where}: no task ${item.task} (tasks: ${TASK_NAMES.join(", ")})`);
    }
    const task = item.task as TaskName;
    const payload = Payloads[task].safeParse({ ...item.payload, _cron: { ts: new Date().toISOString() } });
    if (!payload.success)
      throw new Error(`${where}: bad payload for ${task}: ${z.prettifyError(payload.error)}`);
    return { id: item.identifier, task, schedule: line.split(/\s+/).slice(0, 5).join(" "), item };
  });
}

export function readCrontab(file = CRONTAB_FILE): CronLine[] {
  return parsePipelineCrontab(readFileSync(file, "utf8"), file);
}

/** The next time (UTC, whole minute, after `from`) the line fires; null if not within a year and a day. */
export function nextFire(line: CronLine, from: Date): Date | null {
  const t = new Date(from);
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  const limit = from.getTime() + 366 * 24 * 3600 * 1000;
  while (t.getTime() <= limit) {
    const digest = {
      min: t.getUTCMinutes(),
      hour: t.getUTCHours(),
      date: t.getUTCDate(),
      month: t.getUTCMonth() + 1,
      dow: t.getUTCDay(),
    };
    if (line.item.match(digest)) return new Date(t);
    t.setUTCMinutes(t.getUTCMinutes() + 1);
  }
  return null;
}
