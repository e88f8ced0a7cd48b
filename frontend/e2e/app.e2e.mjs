// The whole path in a real browser (Debian's chromium, driven by playwright-core):
// sign in, make a 3-scene lesson, watch it render live, play it, edit scene 2, roll it back,
// export it, and check that another user gets a 404. Screenshots of each step and axe-core
// reports go to $ARTIFACTS. Exits non-zero on the first failed check.
//
// Needs: WEB_URL (the built app, `next start`), a tutor server behind it, CHROMIUM_PATH.
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const BASE = process.env.WEB_URL ?? "http://127.0.0.1:3000";
const OUT = path.resolve(process.env.ARTIFACTS ?? "test-artifacts/e2e");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium";
const LESSON_TIMEOUT = Number(process.env.LESSON_TIMEOUT_MS ?? 300_000);
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// Fresh users on every run, so a run against a long-lived server starts from nothing.
const RUN = Date.now().toString(36);
const ALICE = `alice-${RUN}`;
const BOB = `bob-${RUN}`;

fs.mkdirSync(OUT, { recursive: true });
let shot = 0;
const log = (...args) => console.log(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...args);

async function screenshot(page, name) {
  shot += 1;
  const file = path.join(OUT, `${String(shot).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log("screenshot", path.basename(file));
}

/** axe-core on the page as it is: no serious or critical violation. */
async function accessible(page, name) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
  });
  fs.writeFileSync(path.join(OUT, `axe-${name}.json`), JSON.stringify(result, null, 2));
  const serious = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(serious, [], `axe on ${name}: ${JSON.stringify(serious, null, 2)}`);
  log(`axe ${name}: ${result.length} minor finding(s), none serious`);
}

async function until(what, check, timeout = 30_000, every = 100) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

async function signIn(page, name) {
  await page.goto(`${BASE}/`);
  await page.waitForURL(/\/signin/);
  await page.getByLabel("Your name on this computer").fill(name);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/projects$/);
}

const sceneStatuses = (page) =>
  page.$$eval("li[data-scene-index]", (items) =>
    items.map((li) => ({
      index: Number(li.getAttribute("data-scene-index")),
      status: li.getAttribute("data-scene-status"),
      version: Number(li.getAttribute("data-scene-version")),
    })),
  );

const playerFrame = (page) => page.$eval("[data-frame]", (el) => Number(el.getAttribute("data-frame")));

/** currentTime of the <video> of scene `index` at `version` (null while it is not mounted). */
const videoTime = (page, index, version) =>
  page.evaluate(
    ([i, v]) => {
      const video = document.querySelector(`video[data-scene-index="${i}"][data-scene-version="${v}"]`);
      return video ? { time: video.currentTime, paused: video.paused, src: video.currentSrc } : null;
    },
    [index, version],
  );

async function play(page) {
  const player = page.locator(".player-frame");
  await player.hover();
  const button = page.getByRole("button", { name: "Play video" });
  await button.click();
}

async function pause(page) {
  await page.locator(".player-frame").hover();
  const button = page.getByRole("button", { name: "Pause video" });
  if (await button.count()) await button.click();
}

/** Seek to scene `index` from the scene list, play, and check its video's time advances. */
async function checkScenePlays(page, index, version) {
  await page.locator(`li[data-scene-index="${index}"] .scene-seek`).click();
  const start = await until(`scene ${index + 1} v${version} mounted`, () => videoTime(page, index, version));
  await play(page);
  const advanced = await until(
    `scene ${index + 1} v${version} playing`,
    async () => {
      const now = await videoTime(page, index, version);
      return now && now.time > start.time + 0.3 ? now : null;
    },
    60_000,
  );
  await pause(page);
  log(`scene ${index + 1} v${version}: currentTime ${start.time.toFixed(2)} -> ${advanced.time.toFixed(2)}`);
  assert.match(advanced.src, new RegExp(`/api/tutor/files/chunks/.+/v${version}\\.mp4(#.*)?$`));
  return advanced;
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
  ],
});

const failures = [];
try {
  const alice = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
  const page = await alice.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") log("browser console error:", m.text());
  });
  page.on("pageerror", (e) => failures.push(`page error: ${e.message}`));

  // 1. Signed out: every page sends you to sign in.
  await page.goto(`${BASE}/projects`);
  await page.waitForURL(/\/signin\?callbackUrl=%2Fprojects/);
  await screenshot(page, "signin");
  await accessible(page, "signin");
  const unauth = await page.request.get(`${BASE}/api/tutor/projects`);
  assert.equal(unauth.status(), 401, "the API proxy needs a session");

  // 2. Sign in locally: an empty projects page.
  await signIn(page, ALICE);
  await page.getByText("No projects yet").waitFor();
  await screenshot(page, "projects-empty");
  await accessible(page, "projects-empty");

  // 3. Create, rename and open a project.
  await page.getByLabel("New project").fill("Geometri");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Geometri" }).waitFor();
  await page.getByRole("button", { name: "Rename Geometri" }).click();
  await page.getByLabel("Project title").fill("Geometry");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("link", { name: "Geometry" }).waitFor();
  await screenshot(page, "projects");
  await accessible(page, "projects");
  await page.getByRole("link", { name: "Geometry" }).click();
  await page.waitForURL(/\/projects\/prj_/);
  const projectUrl = page.url();
  await page.getByText("No lessons yet").waitFor();

  // 4. The server's validation messages show next to their fields.
  await page.getByLabel("Scenes").fill("40");
  await page.getByRole("button", { name: "Make the lesson" }).click();
  const promptError = page.locator("#prompt-error");
  await promptError.waitFor();
  const sceneError = page.locator("#sceneCount-error");
  await sceneError.waitFor();
  log("422 messages:", await promptError.textContent(), "|", await sceneError.textContent());
  assert.equal(await page.getByLabel("What should it explain?").getAttribute("aria-invalid"), "true");
  await screenshot(page, "new-lesson-errors");
  await accessible(page, "new-lesson-errors");

  // 5. A 3-scene lesson: the scene list follows the render live.
  await page.getByLabel("What should it explain?").fill("explain the Pythagorean theorem");
  await page.getByLabel("Scenes").fill("3");
  await page.getByRole("button", { name: "Make the lesson" }).click();
  await page.waitForURL(/\/lessons\/ses_/);
  const lessonUrl = page.url();
  log("lesson", lessonUrl);
  const seen = new Map();
  let firstPlayableShot = false;
  await until(
    "all 3 scenes ready",
    async () => {
      const scenes = await sceneStatuses(page);
      for (const s of scenes) {
        const list = seen.get(s.index) ?? [];
        if (list[list.length - 1] !== s.status) list.push(s.status);
        seen.set(s.index, list);
      }
      if (!firstPlayableShot && scenes.some((s) => s.status === "ready") && scenes.some((s) => s.status !== "ready")) {
        firstPlayableShot = true;
        await screenshot(page, "lesson-rendering");
        // A scene still rendering shows its placeholder card in the player.
        const waiting = scenes.find((s) => s.status !== "ready");
        await page.locator(`li[data-scene-index="${waiting.index}"] .scene-seek`).click();
        await page.locator(".player-frame").getByText(`Scene ${waiting.index + 1} of 3`).waitFor({ timeout: 5000 }).catch(() => {});
        await screenshot(page, "lesson-placeholder");
      }
      return scenes.length === 3 && scenes.every((s) => s.status === "ready");
    },
    LESSON_TIMEOUT,
    50,
  );
  log("statuses seen live:", JSON.stringify(Object.fromEntries(seen)));
  const changedLive = [...seen.values()].filter((list) => list.length > 1 && list.at(-1) === "ready");
  assert.ok(changedLive.length >= 1, `no scene status changed live on the page: ${JSON.stringify([...seen])}`);
  await screenshot(page, "lesson-ready");
  await accessible(page, "lesson");
  assert.equal(await page.locator('[data-outline="true"]').count(), 0, "a full lesson is not called an outline");

  // 6. Play: the player's frame advances.
  const before = await playerFrame(page);
  await play(page);
  await until("the player's frame advancing", async () => (await playerFrame(page)) > before + 10, 60_000);
  await pause(page);
  log("player frame", before, "->", await playerFrame(page));
  await screenshot(page, "playing");

  // 7. The second scene's own <video> plays.
  await checkScenePlays(page, 1, 1);

  // 8. Subtitles toggle.
  const toggle = page.getByRole("button", { name: /^Subtitles/ });
  assert.equal(await toggle.getAttribute("aria-pressed"), "true");
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-pressed"), "false");
  await toggle.click();

  // 9. Edit scene 2: version 2 renders and plays.
  const scene2 = page.locator('li[data-scene-index="1"]');
  await scene2.getByRole("textbox").fill("make everything green");
  await scene2.getByRole("button", { name: /^Apply/ }).click();
  await until("scene 2 at version 2", async () => {
    const s = (await sceneStatuses(page))[1];
    return s.version === 2 && s.status === "ready";
  }, LESSON_TIMEOUT);
  await scene2.locator('[data-notice="ok"]').waitFor();
  await screenshot(page, "edited");
  await checkScenePlays(page, 1, 2);

  // 10. An edit the agent does not understand: a refusal, nothing changes.
  await scene2.getByRole("textbox").fill("make it sing opera in klingon");
  await scene2.getByRole("button", { name: /^Apply/ }).click();
  const refusal = scene2.locator('[data-notice="refused"]');
  await refusal.waitFor({ timeout: 120_000 });
  log("refusal:", await refusal.textContent());
  assert.match(await refusal.textContent(), /klingon/, "the refusal names the instruction");
  assert.equal((await sceneStatuses(page))[1].version, 2, "a refused edit changes nothing");
  // The refusal offers edits that work on this scene; a click puts one in the edit box.
  const suggestion = refusal.locator("button.suggestion").first();
  const offered = (await suggestion.textContent()).trim();
  assert.ok(offered.length > 0, "a refusal offers at least one edit that works");
  await screenshot(page, "edit-refused");
  await suggestion.click();
  assert.equal(await scene2.getByRole("textbox").inputValue(), offered);
  await scene2.getByRole("textbox").fill("");

  // 11. Versions: roll scene 2 back to version 1 (saved as version 3).
  await scene2.getByRole("button", { name: /^Versions/ }).click();
  await scene2.getByRole("button", { name: "Restore version 1 of Scene 2" }).click();
  await until("scene 2 restored", async () => (await sceneStatuses(page))[1].version === 3);
  await scene2.locator('[data-notice="ok"]').getByText("Restored version 1").waitFor();
  // Each version says what made it.
  const versionList = scene2.getByRole("list", { name: "Versions of Scene 2" });
  await versionList.getByText("restored version 1").waitFor();
  await versionList.getByText("edit: make everything green", { exact: false }).waitFor();
  await versionList.getByText("first version").waitFor();
  await screenshot(page, "rolled-back");
  await accessible(page, "lesson-versions");
  await checkScenePlays(page, 1, 3);

  // 12. Export: the download is an mp4.
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: 120_000 }),
    page.getByRole("button", { name: "Export video" }).click(),
  ]);
  const mp4 = path.join(OUT, "export.mp4");
  await download.saveAs(mp4);
  const head = fs.readFileSync(mp4).subarray(0, 12);
  assert.equal(head.subarray(4, 8).toString("latin1"), "ftyp", "the download is an ISO BMFF (mp4) file");
  log("export", download.suggestedFilename(), fs.statSync(mp4).size, "bytes");
  const vttLink = page.getByRole("link", { name: "Download subtitles (.vtt)" });
  const vtt = await page.request.get(new URL(await vttLink.getAttribute("href"), BASE).href);
  assert.equal(vtt.status(), 200);
  assert.match(await vtt.text(), /^WEBVTT/);
  fs.writeFileSync(path.join(OUT, "export.vtt"), await vtt.text());
  await screenshot(page, "exported");

  // 13. Phone width: the lesson page still reads and passes axe.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.locator("li[data-scene-index]").first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the lesson page scrolls sideways on a phone by ${overflow}px`);
  await screenshot(page, "lesson-phone");
  await accessible(page, "lesson-phone");

  // 14. Keyboard: Tab reaches the scene list and Enter seeks.
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.reload();
  await page.locator('li[data-scene-index="2"] .scene-seek').focus();
  await page.keyboard.press("Enter");
  await until("seek to scene 3 by keyboard", async () => {
    const frame = await playerFrame(page);
    const text = await page.locator(".time").textContent();
    return frame > 0 && /Scene 3 of 3/.test(text ?? "");
  });

  // 15. Another user cannot open the lesson (404 page), nor its media or events.
  const chunk = await page.$eval('video[data-scene-index="0"]', (v) => v.getAttribute("src")).catch(() => null);
  const bobContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const bob = await bobContext.newPage();
  await signIn(bob, BOB);
  const response = await bob.goto(lessonUrl);
  assert.equal(response.status(), 404, "another user's lesson is a 404");
  await bob.getByText("We could not find that page").waitFor();
  await screenshot(bob, "other-user-404");
  await accessible(bob, "not-found");
  const sessionId = lessonUrl.split("/").pop();
  assert.equal((await bob.request.get(`${BASE}/api/tutor/sessions/${sessionId}`)).status(), 404);
  assert.equal((await bob.request.get(`${BASE}/api/tutor/sessions/${sessionId}/events`)).status(), 404);
  if (chunk) assert.equal((await bob.request.get(new URL(chunk, BASE).href)).status(), 404);
  // The proxy only reaches /api/ on the server.
  for (const attack of ["/api/tutor/..%2f..%2fjobs/edit", "/api/tutor/%2e%2e/%2e%2e/metrics"]) {
    const r = await bob.request.get(`${BASE}${attack}`);
    assert.equal(r.status(), 404, `${attack} answered ${r.status()}`);
  }
  await bobContext.close();

  // 16. A topic the offline agent does not know: the page says the lesson is an outline.
  await page.goto(projectUrl);
  await page.getByLabel("What should it explain?").fill("explain photosynthesis");
  await page.getByLabel("Scenes").fill("1");
  await page.getByRole("button", { name: "Make the lesson" }).click();
  await page.waitForURL(/\/lessons\/ses_/);
  const outline = page.locator('[data-outline="true"]');
  await outline.waitFor({ timeout: LESSON_TIMEOUT });
  assert.match(await outline.textContent(), /outline/i);
  assert.match(await outline.textContent(), /TUTOR_AGENT=openai/);
  await page.locator('[data-session-status="ready"]').waitFor({ timeout: LESSON_TIMEOUT });
  await screenshot(page, "outline-lesson");
  await accessible(page, "outline-lesson");

  // 17. Delete the project: it and its lessons are gone.
  await page.goto(`${BASE}/projects`);
  await page.getByRole("button", { name: "Delete Geometry" }).click();
  await page.getByRole("button", { name: "Delete for good" }).click();
  await page.getByText("No projects yet").waitFor();
  assert.equal((await page.goto(lessonUrl)).status(), 404);
  await alice.close();
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await browser.close();
}

if (failures.length) {
  console.error("E2E FAILED:\n" + failures.join("\n\n"));
  process.exit(1);
}
log("all browser checks passed");
