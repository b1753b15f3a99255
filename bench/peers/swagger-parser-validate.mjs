// Peer: what orval does to load a spec before generating. validate() parses, resolves every
// $ref and checks the document against the OpenAPI schema.
import SwaggerParser from "@apidevtools/swagger-parser";

const api = await SwaggerParser.validate(process.argv[2]);
console.log(`${Object.keys(api.components?.schemas ?? {}).length} schemas`);
