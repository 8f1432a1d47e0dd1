import * as fs from "fs";
import * as path from "path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

/**
 * Validates CPS response bodies against Akamai's published JSON schemas:
 * `apis/cps/v2/openapi.json` (fully resolved) for the versions it lists, `newer/schemas/*.yaml` for
 * enrollment(s) v12, deployment(s) v8, change-management-info v6, active-certificates v2 and
 * problem+json, and `schemas/*.yaml` for the remaining older versions. OpenAPI 3.0 `nullable` is
 * turned into JSON-schema `null` types.
 *
 * DEVIATIONS below are the only places where the emulator follows Akamai's real data instead of
 * the schema; each names its source. Nothing else is exempt.
 */

const yaml: { load(text: string): unknown } = require("js-yaml");

/** Akamai's OpenAPI description, vendored (see test/fixtures/akamai/README.md). */
export const CPS_ROOT = path.resolve(__dirname, "../fixtures/akamai/akamai-apis/cps/v2");

type Schema = { [key: string]: unknown };

function isObject(v: unknown): v is Schema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** OpenAPI 3.0 → JSON Schema: `nullable: true` adds `null` to the type (and to an enum). */
export function convertNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertNullable);
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "example" || k === "examples" || k === "x-akamai" || k === "description") continue;
    out[k] = k === "properties" && isObject(v) ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, convertNullable(s)])) : convertNullable(v);
  }
  if (out.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  delete out.nullable;
  return out;
}

function loadYamlSchema(file: string): Schema {
  const resolve = (node: unknown, dir: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => resolve(n, dir));
    if (!isObject(node)) return node;
    if (typeof node.$ref === "string" && /\.ya?ml$/.test(node.$ref)) {
      const target = path.join(dir, node.$ref);
      return resolve(yaml.load(fs.readFileSync(target, "utf8")), path.dirname(target));
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, dir)]));
  };
  const loaded = resolve(yaml.load(fs.readFileSync(file, "utf8")), path.dirname(file));
  if (!isObject(loaded)) throw new Error(`${file} is not a schema`);
  return loaded;
}

const MEDIA = (entity: string, v: number): string => `application/vnd.akamai.cps.${entity}.v${v}+json`;

function collectSchemas(): Map<string, Schema> {
  const schemas = new Map<string, Schema>();
  // 1. older per-version files (lowest priority)
  for (const file of fs.readdirSync(path.join(CPS_ROOT, "schemas"))) {
    const m = /^(.+)\.v(\d+)\.yaml$/.exec(file);
    if (m) schemas.set(MEDIA(m[1], Number(m[2])), loadYamlSchema(path.join(CPS_ROOT, "schemas", file)));
  }
  // 2. openapi.json: the resolved contract
  const openapi: unknown = JSON.parse(fs.readFileSync(path.join(CPS_ROOT, "openapi.json"), "utf8"));
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    if (isObject(node.content)) {
      for (const [media, entry] of Object.entries(node.content)) if (isObject(entry) && isObject(entry.schema)) schemas.set(media, entry.schema);
    }
    Object.values(node).forEach(visit);
  };
  visit(isObject(openapi) ? openapi.paths : undefined);
  // 3. newer files
  for (const file of fs.readdirSync(path.join(CPS_ROOT, "newer", "schemas"))) {
    const m = /^(.+)\.v(\d+)\.yaml$/.exec(file);
    if (m) schemas.set(MEDIA(m[1], Number(m[2])), loadYamlSchema(path.join(CPS_ROOT, "newer", "schemas", file)));
  }
  schemas.set("application/problem+json", loadYamlSchema(path.join(CPS_ROOT, "newer", "schemas", "problem.yaml")));
  return schemas;
}

/** Walks a `/`-separated path of property names (`[]` = array items) and edits the schema there. */
function at(schema: Schema, pointer: string, edit: (node: Schema) => void): void {
  let node: unknown = schema;
  for (const part of pointer.split("/").filter(Boolean)) {
    if (!isObject(node)) throw new Error(`deviation path ${pointer} not found`);
    node = part === "[]" ? node.items : isObject(node.properties) ? node.properties[part] : undefined;
  }
  if (!isObject(node)) throw new Error(`deviation path ${pointer} not found`);
  edit(node);
}

export interface Deviation {
  mediaTypes: string[];
  what: string;
  source: string;
  apply(schema: Schema): void;
}

export const DEVIATIONS: Deviation[] = [
  {
    mediaTypes: [MEDIA("dv-challenges", 2)],
    what: "dv[].challenges[].status is lower case (pending, valid) in real data; the schema enum is capitalised (Pending, Valid…)",
    source: "examples/dv-challenges.v2-sample.json and examples/dv-history.v1.json",
    apply: (s) => at(s, "dv/[]/challenges/[]/status", (n) => (n.enum = [...(Array.isArray(n.enum) ? n.enum : []), "pending", "valid", "invalid", "processing"])),
  },
  {
    mediaTypes: [MEDIA("change-management-info", 5)],
    what: "v5 carries quicEnabled, sniOnly and ocspStapled as the strings \"true\"/\"false\"; the schema says boolean",
    source: "examples/change-management-info.v5-3p.json",
    apply: (s) => {
      const stringBoolean = (n: Schema): void => {
        delete n.type;
        n.enum = ["true", "false"];
      };
      at(s, "pendingState/pendingNetworkConfiguration/quicEnabled", stringBoolean);
      at(s, "pendingState/pendingNetworkConfiguration/sniOnly", stringBoolean);
      at(s, "pendingState/pendingCertificates/[]/ocspStapled", stringBoolean);
    },
  },
  {
    mediaTypes: [MEDIA("deployments", 7), MEDIA("deployments", 8)],
    what: "production/staging are null while nothing is deployed on that network (the schema requires both objects)",
    source: "terraform-provider-akamai/edgegrid-golang ListDeployments consumers treat them as nullable",
    apply: (s) => {
      at(s, "production", (n) => (n.type = ["object", "null"]));
      at(s, "staging", (n) => (n.type = ["object", "null"]));
    },
  },
  {
    mediaTypes: [MEDIA("enrollment", 11), MEDIA("enrollment", 12)],
    what: "id is an integer; the schema says string (examples \"10001\")",
    source: "edgegrid-golang pkg/cps/enrollments.go (Enrollment.ID int, test bodies \"id\": 1): Akamai's Go client cannot decode a string id",
    apply: (s) => at(s, "id", (n) => (n.type = ["integer", "null"])),
  },
  {
    mediaTypes: [MEDIA("enrollments", 11), MEDIA("enrollments", 12)],
    what: "enrollments[].id is an integer; the schema says string",
    source: "edgegrid-golang pkg/cps/enrollments.go (ListEnrollmentsResponse of Enrollment.ID int)",
    apply: (s) => at(s, "enrollments/[]/id", (n) => (n.type = ["integer", "null"])),
  },
  {
    mediaTypes: ["application/problem+json"],
    what: "404 not-found has no detail; gateway (pep-authn) problems add status, method, serverIp, clientIp, requestId, requestTime",
    source: "edgegrid-golang pkg/cps/history_test.go (404 without detail); newer/examples/400.json and 500.json",
    apply: (s) => {
      s.required = ["type", "title", "instance"];
      const props = isObject(s.properties) ? s.properties : {};
      s.properties = {
        ...props,
        status: { type: "integer" },
        method: { type: "string" },
        serverIp: { type: "string" },
        clientIp: { type: "string" },
        requestId: { type: "string" },
        requestTime: { type: "string" },
      };
    },
  },
];

let compiled: Map<string, ValidateFunction> | undefined;

function validators(): Map<string, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  compiled = new Map();
  for (const [media, raw] of collectSchemas()) {
    const schema = convertNullable(raw);
    if (!isObject(schema)) throw new Error(`schema for ${media} is not an object`);
    for (const d of DEVIATIONS) if (d.mediaTypes.includes(media)) d.apply(schema);
    compiled.set(media, ajv.compile(schema));
  }
  return compiled;
}

/** Throws with ajv's messages unless `body` matches the schema of `mediaType` (parameters ignored). */
export function validateResponse(mediaType: string, body: unknown): void {
  const media = mediaType.split(";")[0].trim().toLowerCase();
  const validate = validators().get(media);
  if (!validate) throw new Error(`no published schema for ${media}`);
  if (!validate(body)) {
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`).join("\n");
    throw new Error(`${media} body does not match its schema:\n${errors}\n${JSON.stringify(body).slice(0, 2000)}`);
  }
}

export function hasSchema(mediaType: string): boolean {
  return validators().has(mediaType.split(";")[0].trim().toLowerCase());
}
