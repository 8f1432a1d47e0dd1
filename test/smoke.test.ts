import * as fs from "fs";
import * as path from "path";

describe("package layout", () => {
  it("builds to CommonJS that require() can load", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
    const main = path.join(__dirname, "..", pkg.main);
    expect(fs.existsSync(main)).toBe(true);
    expect(typeof require(main)).toBe("object");
  });
});
