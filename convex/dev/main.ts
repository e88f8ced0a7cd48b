/**
 * Run the local Convex bridge (a test double of a deployment; see bridge.ts).
 *
 *   CONVEX_BRIDGE_ADMIN_KEY=... [CONVEX_BRIDGE_PORT=3210] [CONVEX_BRIDGE_JWT_SECRET=...] npm run dev:bridge
 *
 * Prints one line `convex bridge ready at http://127.0.0.1:PORT` once it listens, then
 * serves until SIGINT/SIGTERM. The job actions read TUTOR_API_URL and TUTOR_WEBHOOK_SECRET
 * from this process's environment.
 */
import { startBridge } from "./bridge";

const adminKey = process.env.CONVEX_BRIDGE_ADMIN_KEY ?? "";
if (adminKey.length < 16) {
  console.error("convex bridge: set CONVEX_BRIDGE_ADMIN_KEY to a random string of at least 16 characters");
  process.exit(2);
}
const host = process.env.CONVEX_BRIDGE_HOST ?? "127.0.0.1";
if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1") {
  console.error(`convex bridge: refusing to bind ${host}; it is a test double and listens on loopback only`);
  process.exit(2);
}
const bridge = await startBridge({
  adminKey,
  jwtSecret: process.env.CONVEX_BRIDGE_JWT_SECRET || undefined,
  host,
  port: Number(process.env.CONVEX_BRIDGE_PORT ?? 3210),
  log: process.env.CONVEX_BRIDGE_VERBOSE ? (line) => console.error(`convex bridge: ${line}`) : undefined,
});
console.log(`convex bridge ready at ${bridge.url}`);
const stop = (): void => {
  void bridge.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
