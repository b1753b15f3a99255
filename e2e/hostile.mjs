// The client generated from fixtures/good/hostile: schema text full of comment and literal
// terminators, interpolations, quotes, backslashes, every kind of line break, controls,
// bidirectional controls, HTML script ends and code meant to run, each piece marked `PWNED` or
// `INJECTED`. Every generated file (not the copied runtime) is parsed with TypeScript, and the
// check fails when:
//   - a marker is anywhere but inside a string literal, a template literal's text or a comment
//     (so never an identifier, a callee, a statement, a type);
//   - any identifier holds a marker;
//   - a file has a statement generated code never writes (an expression statement other than
//     the "use client" directive), or a parse error;
//   - the raw text holds a CR, another control character, U+2028/U+2029, a bidirectional
//     control, `</script` or `<!--`.
// It first proves on injected samples that it can fail.
//
// Usage: node hostile.mjs <generated dir>
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const MARKER = /PWNED|INJECTED/g;
const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/;

/** Every problem of one file's text, as `line:col: what`. */
export function problems(fileName, text) {
  const found = [];
  const at = (pos) => {
    const { line, character } = ts.getLineAndCharacterOfPosition(sf, pos);
    return `${fileName}:${line + 1}:${character + 1}`;
  };
  const sf = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    true,
    fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  for (const d of sf.parseDiagnostics ?? []) {
    found.push(`${at(d.start ?? 0)}: parse error: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
  }
  const unprintable = UNPRINTABLE.exec(text);
  if (unprintable) {
    found.push(`${at(unprintable.index)}: raw U+${unprintable[0].codePointAt(0).toString(16).padStart(4, "0")}`);
  }
  for (const bad of [/<\/script/i, /<!--/]) {
    const m = bad.exec(text);
    if (m) found.push(`${at(m.index)}: ${m[0]} would end or confuse an HTML script element`);
  }

  // Where schema text may be: literals' text and comments.
  const allowed = [];
  const comments = (ranges) => {
    for (const r of ranges ?? []) allowed.push([r.pos, r.end]);
  };
  const visit = (node) => {
    comments(ts.getLeadingCommentRanges(text, node.pos));
    comments(ts.getTrailingCommentRanges(text, node.end));
    switch (node.kind) {
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.TemplateHead:
      case ts.SyntaxKind.TemplateMiddle:
      case ts.SyntaxKind.TemplateTail:
        allowed.push([node.getStart(sf), node.end]);
        break;
      case ts.SyntaxKind.Identifier:
      case ts.SyntaxKind.PrivateIdentifier:
        if (new RegExp(MARKER.source).test(node.text)) {
          found.push(`${at(node.getStart(sf))}: identifier \`${node.text}\` holds schema text`);
        }
        break;
      case ts.SyntaxKind.ExpressionStatement: {
        const directive =
          node.parent === sf && ts.isStringLiteral(node.expression) && node.expression.text === "use client";
        if (!directive) found.push(`${at(node.getStart(sf))}: a statement: ${node.getText(sf).slice(0, 60)}`);
        break;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  comments(ts.getLeadingCommentRanges(text, sf.endOfFileToken.pos));

  for (const m of text.matchAll(MARKER)) {
    if (!allowed.some(([start, end]) => start <= m.index && m.index + m[0].length <= end)) {
      found.push(`${at(m.index)}: \`${m[0]}\` outside a literal or comment`);
    }
  }
  return found;
}

// The check must be able to fail: each sample injects code in one way and must be caught.
const samples = {
  "statement.ts": '/** a */ PWNED();\nexport const a = "PWNED";\n',
  "closed-comment.ts": "/** a */ export const b = 1; /* PWNED */ INJECTED;\n",
  "callee.ts": "export const c = PWNED_call(1);\n",
  "identifier.ts": "export interface PWNED {}\n",
  "interpolation.ts": "export const d = `a${PWNED}b`;\n",
  "type.ts": 'export type E = "a" | PWNED;\n',
  "cr.ts": 'export const f = "a";\r\n',
  "separator.ts": 'export const g = "a\u2028";\n',
  "script.ts": 'export const h = "</script>";\n',
};
for (const [name, text] of Object.entries(samples)) {
  if (problems(name, text).length === 0) {
    console.error(`the check missed the injection in its sample ${name}: ${JSON.stringify(text)}`);
    process.exit(1);
  }
}
if (problems("clean.ts", '/** PWNED */\nexport const ok = { "PWNED": `PWNED ${x} PWNED` };\n').length !== 0) {
  console.error("the check refuses schema text inside literals and comments");
  process.exit(1);
}

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node hostile.mjs <generated dir>");
  process.exit(2);
}
// The generated files, not the runtime copied beside them.
const files = readdirSync(dir, { recursive: true })
  .filter((f) => /\.tsx?$/.test(f) && !f.startsWith("runtime") && f !== "kernel.ts")
  .sort();
const expected = ["channels.ts", "contexts/default.ts", "forms.ts", "index.ts", "react.tsx", "server.ts", "types.ts"];
const missing = expected.filter((f) => !files.includes(f));
let failures = missing.map((f) => `${f}: not generated`);
let markers = 0;
for (const f of files) {
  const text = readFileSync(join(dir, f), "utf8");
  const count = [...text.matchAll(MARKER)].length;
  markers += count;
  // Every file but the index carries schema text: the fixture reaches every emitter.
  if (count === 0 && f !== "index.ts") failures.push(`${f}: no schema text reached it`);
  failures = failures.concat(problems(relative(process.cwd(), join(dir, f)), text));
}
if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`${files.length} files, ${markers} pieces of hostile schema text, all inside literals and comments`);
