/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import type * as crons from "../crons.js";
import type * as jobs from "../jobs.js";
import type * as lib_auth from "../lib/auth.js";
import type * as lib_errors from "../lib/errors.js";
import type * as lib_keys from "../lib/keys.js";
import type * as lib_media from "../lib/media.js";
import type * as lib_model from "../lib/model.js";
import type * as lib_signing from "../lib/signing.js";
import type * as lib_states from "../lib/states.js";
import type * as lib_timeline from "../lib/timeline.js";
import type * as lib_validate from "../lib/validate.js";
import type * as projects from "../projects.js";
import type * as recovery from "../recovery.js";
import type * as scenes from "../scenes.js";
import type * as sessions from "../sessions.js";
import type * as users from "../users.js";
import type * as worker from "../worker.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  crons: typeof crons;
  jobs: typeof jobs;
  "lib/auth": typeof lib_auth;
  "lib/errors": typeof lib_errors;
  "lib/keys": typeof lib_keys;
  "lib/media": typeof lib_media;
  "lib/model": typeof lib_model;
  "lib/signing": typeof lib_signing;
  "lib/states": typeof lib_states;
  "lib/timeline": typeof lib_timeline;
  "lib/validate": typeof lib_validate;
  projects: typeof projects;
  recovery: typeof recovery;
  scenes: typeof scenes;
  sessions: typeof sessions;
  users: typeof users;
  worker: typeof worker;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;
