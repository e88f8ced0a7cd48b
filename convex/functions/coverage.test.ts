/** Every Convex function is called by some test (datasette's "every hook has a test"). */
import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { modules } from "./test.setup";

const here = new URL("./", import.meta.url);

test("every exported function appears in a test", async () => {
  const tests = [
    ...readdirSync(here).filter((f) => f.endsWith(".test.ts")).map((f) => readFileSync(new URL(f, here), "utf8")),
    ...readdirSync(new URL("../dev/", here))
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => readFileSync(new URL(`../dev/${f}`, here), "utf8")),
  ].join("\n");
  const missing: string[] = [];
  let count = 0;
  for (const [path, load] of Object.entries(modules)) {
    if (path.includes("_generated") || path.includes("/lib/") || path.endsWith("schema.ts") || path.endsWith("crons.ts")) continue;
    const mod = path.replace(/^\.\//, "").replace(/\.ts$/, "");
    for (const [name, fn] of Object.entries((await load()) as Record<string, { isQuery?: boolean; isMutation?: boolean; isAction?: boolean }>)) {
      if (!(fn?.isQuery || fn?.isMutation || fn?.isAction)) continue;
      count++;
      const called = [`api.${mod}.${name}`, `internal.${mod}.${name}`, `"${mod}:${name}"`].some((s) => tests.includes(s));
      if (!called) missing.push(`${mod}.${name}`);
    }
  }
  expect(count).toBeGreaterThan(30);
  expect(missing).toEqual([]);
});
