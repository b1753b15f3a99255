// Floor: reading and JSON.parse of the document in Node, with no validation at all.
import { readFileSync } from "node:fs";

const doc = JSON.parse(readFileSync(process.argv[2], "utf8"));
console.log(`${Object.keys(doc.components?.schemas ?? {}).length} schemas`);
