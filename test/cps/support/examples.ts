import * as fs from "node:fs";
import * as path from "node:path";

const v2 = path.join(__dirname, "..", "..", "fixtures", "akamai", "akamai-apis", "cps", "v2");

/** An official example body: `example("enrollment.v11.json")` or `example("newer/enrollment.v12.json")`. */
export function example(name: string): unknown {
  const file = name.startsWith("newer/") ? path.join(v2, "newer", "examples", name.slice(6)) : path.join(v2, "examples", name);
  return JSON.parse(fs.readFileSync(file, "utf8"));
}
