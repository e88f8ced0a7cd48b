import { describe, expect, it } from "vitest";
import { downloadUrl, proxied, safeFilename, upstreamPath } from "@/lib/urls";

describe("the same-origin proxy's paths", () => {
  it("maps API URLs onto the proxy", () => {
    expect(proxied("/api/files/chunks/a/v1.mp4")).toBe("/api/tutor/files/chunks/a/v1.mp4");
    expect(proxied("https://cdn.example.com/x.mp4")).toBe("https://cdn.example.com/x.mp4");
    expect(downloadUrl("/api/files/chunks/e/v2.mp4", "My lesson.mp4")).toBe(
      "/api/tutor/files/chunks/e/v2.mp4?download=My%20lesson.mp4",
    );
  });

  it("refuses paths that try to leave /api/", () => {
    expect(upstreamPath(["projects"])).toBe("/api/projects");
    expect(upstreamPath(["files", "chunks", "a b.mp4"])).toBe("/api/files/chunks/a%20b.mp4");
    for (const attack of [
      [],
      [".."],
      ["projects", "..", "..", "jobs", "edit"],
      ["."],
      ["files", "a/../../jobs"],
      ["files", "a\\..\\jobs"],
      ["x", ""],
      ["x\0"],
    ]) {
      expect(upstreamPath(attack), JSON.stringify(attack)).toBeNull();
    }
    // Encoded in the segment, not interpreted: "%2e%2e" arrives as ".." and is refused above;
    // a "?" or "#" stays inside the path.
    expect(upstreamPath(["projects?x=1#y"])).toBe("/api/projects%3Fx%3D1%23y");
  });

  it("makes safe download names", () => {
    expect(safeFilename("Pythagorean théorem: 3 scenes!.mp4")).toBe("Pythagorean-theorem-3-scenes.mp4");
    expect(safeFilename('"; rm -rf /')).toBe("rm-rf");
    expect(safeFilename("../../etc/passwd")).toBe("etc-passwd");
    expect(safeFilename("")).toBe("lesson.mp4");
  });
});
