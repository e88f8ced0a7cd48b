// A failed scene in a real browser: its error message shows, and Retry runs it again.
// The server behind WEB_URL is started with a scene timeout too short for any render, so
// every scene fails (and fails again after the retry): what is checked is the page's path.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

import { chromium } from "playwright-core";

const BASE = process.env.WEB_URL ?? "http://127.0.0.1:3000";
const OUT = path.resolve(process.env.ARTIFACTS ?? "test-artifacts/e2e");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium";
fs.mkdirSync(OUT, { recursive: true });

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
let failed = null;
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  await page.goto(`${BASE}/signin`);
  await page.getByLabel("Your name on this computer").fill(`carol-${Date.now().toString(36)}`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/projects$/);
  await page.getByLabel("New project").fill("Retries");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Retries" }).click();
  await page.getByLabel("What should it explain?").fill("explain the Pythagorean theorem");
  await page.getByLabel("Scenes").fill("1");
  await page.getByRole("button", { name: "Make the lesson" }).click();
  await page.waitForURL(/\/lessons\/ses_/);
  const scene = page.locator('li[data-scene-index="0"]');
  await page.locator('li[data-scene-index="0"][data-scene-status="error"]').waitFor({ timeout: 120_000 });
  const message = await scene.getByRole("alert").textContent();
  console.log("failed scene says:", message);
  assert.match(message, /longer than|timeout|TUTOR_SCENE_TIMEOUT/i);
  await page.screenshot({ path: path.join(OUT, "20-scene-failed.png"), fullPage: true });

  const sessionId = page.url().split("/").pop();
  const before = await (await page.request.get(`${BASE}/api/tutor/sessions/${sessionId}`)).json();
  await scene.getByRole("button", { name: "Retry Scene 1" }).click();
  const after = await (async () => {
    for (let i = 0; i < 600; i += 1) {
      const detail = await (await page.request.get(`${BASE}/api/tutor/sessions/${sessionId}`)).json();
      const s = detail.scenes[0];
      if (s.jobId !== before.scenes[0].jobId && s.status === "error") return detail;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("the retry never ran");
  })();
  console.log("retried under job", after.scenes[0].jobId);
  await page.locator('li[data-scene-index="0"][data-scene-status="error"]').waitFor();
  await scene.getByRole("button", { name: "Retry Scene 1" }).waitFor();
  await page.screenshot({ path: path.join(OUT, "21-scene-retried.png"), fullPage: true });
} catch (error) {
  failed = error;
} finally {
  await browser.close();
}
if (failed) {
  console.error("E2E FAILED:", failed.stack ?? failed);
  process.exit(1);
}
console.log("retry checks passed");
