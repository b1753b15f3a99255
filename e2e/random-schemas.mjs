// Random but reproducible Mizan schema documents, for checking generated code against the
// tools that judge it (Prettier, tsc) on shapes no hand-written fixture has: long names, long
// unions, nested objects, tuples, maps, intersections, discriminated unions, many arguments.
//
//   node random-schemas.mjs <count> <out dir>     writes <out dir>/random-<n>.json

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** mulberry32: a small seeded generator, so every run checks the same documents. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomDocument(seed) {
  const r = rng(seed);
  const int = (n) => Math.floor(r() * n);
  const pick = (xs) => xs[int(xs.length)];
  const chance = (p) => r() < p;
  const words = ["user", "account", "order", "item", "line", "billing", "address", "notification",
    "preference", "setting", "report", "summary", "status", "history", "entry", "shipment",
    "invoice", "payment", "method", "profile", "avatar", "team", "member", "permission"];
  let serial = 0;
  const snake = (min, max) => {
    const n = min + int(max - min + 1);
    return [...Array(n)].map(() => pick(words)).join("_") + "_" + serial++;
  };
  const pascal = (min, max) =>
    snake(min, max).split("_").map((w) => w[0].toUpperCase() + w.slice(1)).join("");
  const literal = () =>
    pick(["it's", 'say "hi"', "plain", "${x}", "back\\slash", "ünïcödé", ""]) +
    snake(0, 3).replace(/_/g, pick([" ", "-", "_"]));

  const schemas = {};
  const names = [];
  const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
  const scalar = () =>
    pick([
      { type: "string" },
      { type: "integer", format: "int64" },
      { type: "number" },
      { type: "boolean" },
      { type: "string", format: "date-time" },
      { type: "string", format: "binary" },
      {},
    ]);
  const type = (depth) => {
    const roll = depth > 2 ? int(3) : int(12);
    switch (roll) {
      case 0:
      case 1:
        return scalar();
      case 2:
        return names.length ? ref(pick(names)) : scalar();
      case 3:
        return { type: "string", enum: [...Array(1 + int(9))].map(literal) };
      case 4:
        return { anyOf: [type(depth + 1), { type: "null" }] };
      case 5:
        return { type: "array", items: type(depth + 1) };
      case 6:
        return { type: "object", additionalProperties: chance(0.5) ? type(depth + 1) : true };
      case 7:
        return { type: "array", prefixItems: [...Array(1 + int(4))].map(() => type(depth + 1)), minItems: 1 };
      case 8:
        return object(depth + 1, 1 + int(5));
      case 9:
        return { anyOf: [...Array(2 + int(4))].map(() => type(depth + 1)) };
      case 10:
        return names.length >= 2
          ? { allOf: [ref(pick(names)), object(depth + 1, 1 + int(3))] }
          : scalar();
      default:
        return { type: "integer", enum: [...Array(2 + int(6))].map(() => int(1000)) };
    }
  };
  const object = (depth, n) => {
    const properties = {};
    for (let i = 0; i < n; i++) {
      const key = chance(0.15) ? snake(1, 3).replace(/_/g, "-") : snake(1, 4);
      properties[key] = { ...type(depth), ...(chance(0.2) ? { description: "A " + snake(1, 8).replace(/_/g, " ") } : {}) };
    }
    const keys = Object.keys(properties);
    return { type: "object", properties, required: keys.filter(() => chance(0.6)) };
  };

  for (let i = 0, n = 4 + int(10); i < n; i++) {
    const name = pascal(1, 5) + (chance(0.1) ? "-Input" : "");
    schemas[name] = object(0, 1 + int(12));
    names.push(name);
  }
  // A discriminated union of two tagged models.
  const tag = snake(1, 2);
  const [a, b] = [pascal(1, 3), pascal(1, 3)];
  schemas[a] = { type: "object", properties: { [tag]: { const: "first_kind" }, value: { type: "string" } }, required: [tag, "value"] };
  schemas[b] = { type: "object", properties: { [tag]: { const: "second_kind" }, count: { type: "integer" } }, required: [tag, "count"] };
  const union = pascal(1, 2);
  schemas[union] = { oneOf: [ref(a), ref(b)], discriminator: { propertyName: tag } };
  const objects = [...names];
  names.push(union);

  const functions = [];
  const contexts = {};
  const args = () => {
    const o = object(1, int(9));
    return o.properties && Object.keys(o.properties).length ? o : null;
  };
  for (let c = 0, nc = 1 + int(3); c < nc; c++) {
    const ctx = c === 0 && chance(0.5) ? "global" : snake(1, 3);
    const param = snake(1, 3);
    const members = [];
    for (let i = 0, n = 1 + int(4); i < n; i++) {
      const name = snake(1, 6);
      members.push(name);
      functions.push({
        name,
        input: ctx === "global" ? null : { type: "object", properties: { [param]: { type: "integer" } }, required: [param] },
        output: names.length && chance(0.7) ? ref(pick(names)) : type(1),
        outputNullable: chance(0.3),
        context: ctx,
        description: chance(0.3) ? "Reads " + snake(2, 12).replace(/_/g, " ") + "." : undefined,
      });
    }
    contexts[ctx] = { functions: members };
    const slot = functions.find((f) => f.name === members[0]);
    // A mutation merging into the first slot, scoped by the context's param.
    functions.push({
      name: snake(1, 5),
      input: {
        type: "object",
        properties: { ...(ctx === "global" ? {} : { [param]: { type: "integer" } }), name: { type: "string" } },
        required: ["name"],
      },
      output: slot.output,
      affects: chance(0.5) ? [{ context: ctx }] : [],
      merge: [{ context: ctx, slot: slot.name }],
    });
  }
  for (let i = 0, n = 2 + int(8); i < n; i++) {
    functions.push({
      name: snake(1, 7),
      input: chance(0.5) ? ref(pick(objects)) : args(),
      output: type(0),
      outputNullable: chance(0.2),
      upload: chance(0.1),
      transport: chance(0.1) ? "websocket" : "http",
      description: chance(0.4) ? "Does " + snake(2, 20).replace(/_/g, " ") + " */ done." : undefined,
    });
  }
  functions.push({ name: snake(1, 3), input: null, route: `/${snake(1, 2)}/<int:${snake(1, 3)}>/<slug:${snake(1, 3)}>/`, output: null });
  const channels = [
    { name: snake(1, 3), params: object(1, 1 + int(3)), serverMessage: type(0), clientMessage: chance(0.5) ? type(1) : null },
  ];
  const formName = snake(1, 3);
  const field = (kind) => ({
    name: snake(1, 3),
    label: pick(["Name", "A rather long label that goes on and on about the field", "It's"]),
    type: kind,
    widget: "input",
    required: chance(0.5),
    disabled: false,
    helpText: chance(0.5) ? "Help: " + snake(2, 10).replace(/_/g, " ") : "",
    initial: null,
    maxLength: chance(0.5) ? 1 + int(300) : null,
    minLength: null,
    choices: kind.includes("choice") ? [...Array(1 + int(5))].map((_, i) => (chance(0.5) ? [literal(), literal()] : [i, literal()])) : null,
  });
  const kinds = ["text", "textarea", "email", "url", "integer", "number", "boolean", "date", "datetime", "choice", "multiple_choice", "file", "password"];
  const submit = `${formName}.submit`;
  functions.push(
    { name: `${formName}.schema`, input: null, output: { type: "array", items: { type: "object" } } },
    { name: `${formName}.validate`, input: { type: "object", properties: { data: { type: "object" } }, required: ["data"] }, output: { type: "object" } },
    { name: submit, input: { type: "object", properties: { data: { type: "object" } }, required: ["data"] }, output: type(0) },
  );
  const forms = [
    {
      name: formName,
      title: "A form",
      submitLabel: "Send",
      fields: [...Array(1 + int(8))].map(() => field(pick(kinds))),
      functions: { schema: `${formName}.schema`, validate: `${formName}.validate`, submit },
    },
  ];
  return {
    openapi: pick(["3.0.3", "3.1.0"]),
    info: { title: `random ${seed}`, version: "1" },
    paths: {},
    components: { schemas },
    "x-mizan-version": 1,
    "x-mizan-functions": functions.map((f) => JSON.parse(JSON.stringify(f))),
    "x-mizan-contexts": contexts,
    "x-mizan-channels": channels,
    "x-mizan-forms": forms,
  };
}

if (process.argv[1] && process.argv[1].endsWith("random-schemas.mjs")) {
  const [count, out] = [Number(process.argv[2] ?? 20), process.argv[3] ?? "."];
  mkdirSync(out, { recursive: true });
  for (let seed = 1; seed <= count; seed++) {
    writeFileSync(join(out, `random-${seed}.json`), JSON.stringify(randomDocument(seed), null, 2));
  }
}
