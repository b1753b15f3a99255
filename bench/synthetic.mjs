// Writes a synthetic Mizan schema: FUNCTIONS functions in CONTEXTS contexts (defaults 5000 and
// 200), shaped like a large real backend: every context has 10 read functions with their own
// output models, the rest are mutations (half of them merging into a slot) and plain functions,
// each with an input model of a few typed properties.
//   node bench/synthetic.mjs > schema.json
const FUNCTIONS = Number(process.env.FUNCTIONS ?? 5000);
const CONTEXTS = Number(process.env.CONTEXTS ?? 200);
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const schemas = {};
const functions = [];
const contexts = {};

function model(name, extra = {}) {
  schemas[name] = {
    type: "object",
    title: name,
    properties: {
      id: { type: "integer", title: "Id" },
      name: { type: "string", title: "Name", maxLength: 200 },
      created_at: { type: "string", format: "date-time", title: "Created At" },
      tags: { type: "array", items: { type: "string" }, title: "Tags", default: [] },
      status: { enum: ["draft", "live", "archived"], type: "string", title: "Status" },
      owner: { anyOf: [ref("User"), { type: "null" }], default: null },
      ...extra,
    },
    required: ["id", "name", "created_at", "status"],
  };
  return ref(name);
}
model("User");

for (let c = 0; c < CONTEXTS; c++) {
  const name = `ctx_${c}`;
  const members = [];
  for (let k = 0; k < 10 && functions.length < FUNCTIONS; k++) {
    const fn = `${name}_read_${k}`;
    schemas[`${fn}_Input`] = { type: "object", properties: { [`${name}_id`]: { type: "integer" }, ...(k < 5 && { page: { type: "integer", default: 1 } }) }, required: [`${name}_id`] };
    functions.push({ name: fn, input: ref(`${fn}_Input`), output: model(`${fn}_Output`), outputNullable: k % 3 === 0, context: name, affects: [], merge: [], transport: "http", auth: null, rev: 0, cache: 60, private: false, route: null, upload: false, description: `Reads part ${k} of ${name}.` });
    members.push(fn);
  }
  contexts[name] = { functions: members, params: { [`${name}_id`]: { schema: { type: "integer" }, required: true, sharedBy: members }, page: { schema: { type: "integer", default: 1 }, required: false, sharedBy: members.slice(0, 5) } }, rev: 0, cache: 60 };
}
for (let i = 0; functions.length < FUNCTIONS; i++) {
  const c = i % CONTEXTS;
  const fn = `action_${i}`;
  schemas[`${fn}_Input`] = { type: "object", properties: { [`ctx_${c}_id`]: { type: "integer" }, value: { type: "string" }, note: { anyOf: [{ type: "string" }, { type: "null" }], default: null } }, required: [`ctx_${c}_id`, "value"] };
  const merge = i % 2 === 0;
  const slot = `ctx_${c}_read_${i % 10}`;
  functions.push({
    name: fn, input: ref(`${fn}_Input`), output: merge ? ref(`${slot}_Output`) : model(`${fn}_Output`), outputNullable: false, context: null,
    affects: i % 3 === 0 ? [] : [{ context: `ctx_${c}` }], merge: merge ? [{ context: `ctx_${c}`, slot }] : [],
    transport: "http", auth: i % 5 === 0 ? "authenticated" : null, rev: 0, cache: false, private: false, route: null, upload: false, description: `Action ${i}.`,
  });
}
process.stdout.write(JSON.stringify({ openapi: "3.1.0", info: { title: "synthetic", version: "1" }, paths: {}, components: { schemas }, "x-mizan-version": 1, "x-mizan-functions": functions, "x-mizan-contexts": contexts }));
