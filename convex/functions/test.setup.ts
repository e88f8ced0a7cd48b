/// <reference types="vite/client" />
// Every function module (files with one dot), including _generated, for convex-test.
export const modules = import.meta.glob(["./**/*.ts", "./**/*.js", "!./**/*.*.*"]);
