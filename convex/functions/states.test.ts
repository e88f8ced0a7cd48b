import { describe, expect, test } from "vitest";
import { contract } from "./test.helpers";
import { canTransition, SCENE_STATUSES, SESSION_STATUSES, type Machine } from "./lib/states";
import schema from "./schema";

type Doc = Record<Machine, { statuses: string[]; transitions: Record<string, string[]> }>;
const doc = contract<Doc>("states.json");

describe("the transition table equals contracts/states.json (generated from tutor_core.states)", () => {
  test("status lists", () => {
    expect([...SESSION_STATUSES]).toEqual(doc.session.statuses);
    expect([...SCENE_STATUSES]).toEqual(doc.scene.statuses);
  });

  for (const machine of ["session", "scene"] as const) {
    test(`every ${machine} pair agrees`, () => {
      const statuses = doc[machine].statuses;
      let allowed = 0;
      for (const source of statuses) {
        for (const target of statuses) {
          const expected = doc[machine].transitions[source]!.includes(target);
          expect(canTransition(machine, source, target), `${source} -> ${target}`).toBe(expected);
          if (expected) allowed++;
        }
      }
      expect(allowed).toBeGreaterThan(statuses.length);
      expect(canTransition(machine, "nonsense", "error")).toBe(false);
    });
  }

  test("the schema's status validators accept exactly the contract's statuses", () => {
    const fields = (table: "videoSessions" | "scenes") =>
      JSON.parse(JSON.stringify((schema.tables[table].validator as unknown as { json: unknown }).json)).value.status.fieldType.value.map(
        (m: { value: string }) => m.value,
      );
    expect(fields("videoSessions")).toEqual(doc.session.statuses);
    expect(fields("scenes")).toEqual(doc.scene.statuses);
  });
});
