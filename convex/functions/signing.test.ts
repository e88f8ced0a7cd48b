import { describe, expect, test } from "vitest";
import { contract } from "./test.helpers";
import { sign, signature, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from "./lib/signing";

type Case = { name: string; body: string; timestamp: string; signature: string; now: number; valid: boolean; error?: string };
const vectors = contract<{ secret: string; toleranceSeconds: number; cases: Case[]; errors: Record<string, string> }>(
  "webhook-signing.json",
);

describe("Web Crypto signing matches tutor_core.signing on every shared vector", () => {
  for (const c of vectors.cases) {
    test(c.name, async () => {
      const headers = { [TIMESTAMP_HEADER]: c.timestamp, [SIGNATURE_HEADER]: c.signature };
      const result = await verify(c.body, headers, vectors.secret, { now: c.now, tolerance: vectors.toleranceSeconds });
      if (c.valid) {
        expect(result).toEqual({ ok: true, timestamp: Number(c.timestamp) });
        expect(await signature(c.body, vectors.secret, Number(c.timestamp))).toBe(c.signature);
      } else {
        expect(result.ok).toBe(false);
        expect(result.ok ? undefined : result.error).toBe(c.error);
      }
    });
  }

  test("the vectors cover every error kind", () => {
    const kinds = new Set(vectors.cases.filter((c) => !c.valid).map((c) => c.error));
    expect([...kinds].sort()).toEqual(Object.keys(vectors.errors).sort());
  });

  test("sign() produces headers that verify, case-insensitively, and not with another secret", async () => {
    const body = JSON.stringify({ prompt: "erkläre π" });
    const headers = await sign(body, "s3cret", 1_800_000_000);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(await verify(body, lower, "s3cret", { now: 1_800_000_010 })).toEqual({ ok: true, timestamp: 1_800_000_000 });
    expect((await verify(body, headers, "other", { now: 1_800_000_010 })).ok).toBe(false);
    expect((await verify(body + " ", headers, "s3cret", { now: 1_800_000_010 })).ok).toBe(false);
    expect((await verify(body, {}, "s3cret")).ok).toBe(false);
  });

  test("an empty secret is refused", async () => {
    await expect(sign("{}", "")).rejects.toThrow(/empty secret/);
  });
});
