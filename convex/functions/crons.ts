/** Scheduled work: stale-job recovery every minute. */
import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";

const crons = cronJobs();

crons.interval("recover stale jobs", { minutes: 1 }, internal.recovery.recoverStale, {});

export default crons;
