import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["functions/**/*.test.ts", "dev/**/*.test.ts"],
    // Each test file gets a fresh module graph, so one file's environment
    // variables and fake timers never leak into another's.
    isolate: true,
    testTimeout: 30_000,
    server: { deps: { inline: ["convex-test"] } },
  },
});
