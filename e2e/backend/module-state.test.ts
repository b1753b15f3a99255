// "No module-level mutable request state" (generated-client.md, Stage 1): every generated file of
// every output under e2e/.generated/ (the fixtures, GitHub's API, the random documents, the
// reference backend's, the package-kernel one) is parsed with the TypeScript compiler API, and
// its top level must hold no mutable state: no `let`/`var`, no `new` (Map, Set, QueryClient...),
// no client created at import time, no top-level statement that runs on import, no IIFE, no
// mutable static class field. The one documented exception is the kernel's default client
// (`let defaults`, `let current` in kernel.ts), and it must stay exactly those two names.
// Also: server.ts loads no React (it is the entry for server code).
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import ts from "typescript";

/** e2e/: the nearest directory above this (bundled) file that has .generated/. */
function e2eDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".generated")) && existsSync(join(dir, "package.json"))) return dir;
    assert.notEqual(dirname(dir), dir, "no .generated/ above this test: run.mjs generates it");
  }
}
const generated = join(e2eDir(), ".generated");

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []))
    .sort();

/** Every output directory (one per generated client). */
const outputs = readdirSync(generated, { withFileTypes: true })
  .filter((e) => e.isDirectory() && sourceFiles(join(generated, e.name)).length > 0)
  .map((e) => e.name)
  .sort();

const parse = (file: string): ts.SourceFile =>
  ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);

/** The expression under parentheses, `as`, `satisfies` and `!`. */
function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

/** `<literal> as const` (possibly under more `satisfies`/parentheses). */
function isConstAssertion(e: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return ts.isAsExpression(e) && ts.isTypeReferenceNode(e.type) && e.type.typeName.getText() === "const";
}

/** Functions that create request state when called. */
const STATEFUL_CALLS = new Set(["createMizanClient", "defaultClient", "configure", "QueryClient", "createStore"]);

/** What, evaluated at import time, creates state: `new` anything, a call of a stateful factory,
 * an immediately invoked function. Function bodies are not evaluated at import time: skipped. */
function stateAtImport(node: ts.Node, sf: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n) || ts.isConstructorDeclaration(n)) return;
    if (ts.isNewExpression(n)) found.push(`new ${n.expression.getText(sf)}`);
    if (ts.isCallExpression(n)) {
      const callee = unwrap(n.expression);
      if (ts.isArrowFunction(callee) || ts.isFunctionExpression(callee)) found.push("an immediately invoked function");
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
      if (STATEFUL_CALLS.has(name)) found.push(`${name}()`);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

interface Finding {
  file: string;
  line: number;
  what: string;
}

/** Top-level mutable state of one file; `lets` collects its top-level let/var names. `literals`:
 * top-level array and object literals (reported apart, for the forms' declarations). */
function findings(sf: ts.SourceFile, lets: string[]): { strict: Finding[]; literals: Finding[] } {
  const file = sf.fileName;
  const strict: Finding[] = [];
  const literals: Finding[] = [];
  const at = (node: ts.Node, what: string, list = strict) =>
    list.push({ file: relative(generated, file), line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what });
  const statements = (list: readonly ts.Statement[]): void => {
    for (const st of list) {
      if (ts.isVariableStatement(st)) {
        const flags = st.declarationList.flags;
        const isConst = (flags & ts.NodeFlags.Const) !== 0;
        for (const d of st.declarationList.declarations) {
          const name = d.name.getText(sf);
          if (!isConst) {
            lets.push(name);
            at(d, `${flags & ts.NodeFlags.Let ? "let" : "var"} ${name}`);
            continue;
          }
          if (!d.initializer) continue;
          for (const s of stateAtImport(d.initializer, sf)) at(d, `const ${name} = ${s}`);
          const init = unwrap(d.initializer);
          // `as const` makes a literal deeply read-only (to the type checker); Object.freeze() is a call.
          if ((ts.isArrayLiteralExpression(init) || ts.isObjectLiteralExpression(init)) && !isConstAssertion(d.initializer))
            at(d, `const ${name} = ${ts.isArrayLiteralExpression(init) ? "an array" : "an object"} literal`, literals);
        }
      } else if (ts.isExpressionStatement(st)) {
        // Only the "use client" directive may run at the top level.
        if (!(ts.isStringLiteral(st.expression) && st.expression.text === "use client")) at(st, `a statement run on import: ${st.getText(sf).slice(0, 60)}`);
      } else if (ts.isClassDeclaration(st)) {
        for (const m of st.members)
          if (ts.isPropertyDeclaration(m) && m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword) && !m.modifiers.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword))
            at(m, `a mutable static field ${st.name?.text}.${m.name.getText(sf)}`);
        for (const s of stateAtImport(st, sf)) at(st, `class ${st.name?.text}: ${s} at import`);
      } else if (ts.isModuleDeclaration(st) && st.body && ts.isModuleBlock(st.body)) {
        statements(st.body.statements);
      } else if (ts.isExportAssignment(st)) {
        for (const s of stateAtImport(st.expression, sf)) at(st, `export default ${s}`);
        const e = unwrap(st.expression);
        if (ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e)) at(st, "export default of a literal", literals);
      } else if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st) || ts.isFunctionDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st))) {
        at(st, `an unexpected top-level ${ts.SyntaxKind[st.kind]}`);
      }
    }
  };
  statements(sf.statements);
  return { strict, literals };
}

const format = (list: Finding[]) => list.map((f) => `${f.file}:${f.line}: ${f.what}`).join("\n");

/** Top-level form declarations: the field list and the initial values of each form. */
const isFormDeclaration = (f: Finding) => /(^|\/)forms\.ts$/.test(f.file) && /^const \w+Form(Fields|Initial) = an (array|object) literal$/.test(f.what);

const scanned = outputs.map((o) => ({ output: o, files: sourceFiles(join(generated, o)) }));
const results = scanned.flatMap(({ output, files }) =>
  files.map((file) => {
    const lets: string[] = [];
    return { output, file, lets, ...findings(parse(file), lets) };
  }),
);

test("every fixture output is scanned", () => {
  for (const expected of ["reference-3.1", "reference-3.0", "types-3.1", "github", "random-1", "random-40", "backend", "package-kernel"]) assert.ok(outputs.includes(expected), `${expected} is missing from ${generated}: run.mjs generates it`);
  assert.ok(results.length > 300, `only ${results.length} files`);
  assert.ok(
    results.some((r) => r.file.endsWith("forms.ts")),
    "forms are scanned",
  );
});

test("no generated file keeps mutable state at its top level, but the kernel's default client", () => {
  const violations: Finding[] = [];
  for (const r of results) {
    const isKernel = relative(join(generated, r.output), r.file) === "kernel.ts";
    // The one documented exception: the default client's config and instance, in kernel.ts.
    if (isKernel) assert.deepEqual(r.lets.slice().sort(), ["current", "defaults"], `${relative(generated, r.file)}: the default client's state is exactly \`let defaults\` and \`let current\``);
    violations.push(...r.strict.filter((f) => !(isKernel && /^let (defaults|current)$/.test(f.what))));
    violations.push(...r.literals.filter((f) => !isFormDeclaration(f)));
  }
  assert.equal(results.filter((r) => relative(join(generated, r.output), r.file) === "kernel.ts").length, outputs.length - 1, "every output but package-kernel has its kernel.ts");
  assert.equal(violations.length, 0, `top-level mutable state:\n${format(violations)}`);
});

test("form declarations are module constants that useForm freezes before any use", () => {
  // A form's field list and initial values are literals at the top of forms.ts; runtime/forms.ts's
  // useForm() deep-freezes both and copies the initial values per form instance (tested in
  // runtime/forms.test.tsx), so nothing an app does to them reaches another render or request.
  // Here: each such declaration is handed to useForm() in its own file, and to nothing else.
  const forms = results.flatMap((r) => r.literals.filter(isFormDeclaration));
  assert.ok(forms.length > 0, "the fixtures have forms");
  for (const f of forms) {
    const name = /^const (\w+) =/.exec(f.what)?.[1] ?? "";
    const text = readFileSync(join(generated, f.file), "utf8");
    const uses = text.split(new RegExp(`\\b${name}\\b`)).length - 1;
    const handed = new RegExp(`useForm\\([^)]*\\b${name}\\b`).test(text.replace(/\s+/g, " "));
    assert.ok(handed, `${f.file}: ${name} is not handed to useForm()`);
    // Declared, then used by formSchema() (fields only) and useForm().
    assert.ok(uses <= 3, `${f.file}: ${name} is used ${uses - 1} times`);
  }
});

test("the checker itself: it catches what it must", () => {
  const probe = (source: string): string[] => {
    const sf = ts.createSourceFile(join(generated, "probe.ts"), source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const { strict, literals } = findings(sf, []);
    return [...strict, ...literals].map((f) => f.what);
  };
  assert.deepEqual(probe("let a = 1;\nvar b;"), ["let a", "var b"]);
  assert.deepEqual(probe("export let state: string[] = [];"), ["let state"]);
  assert.deepEqual(probe("const cache = new Map<string, number>();"), ["const cache = new Map"]);
  assert.deepEqual(probe("const seen = new WeakMap(),\n  ids = new Set(),\n  list = new Array(3);"), ["const seen = new WeakMap", "const ids = new Set", "const list = new Array"]);
  assert.deepEqual(probe("const queue = [] as string[];"), ["const queue = an array literal"]);
  assert.deepEqual(probe("const store = { user: null };"), ["const store = an object literal"]);
  assert.deepEqual(probe("const fields = [{ name: \"a\" }] as const;\nconst frozen = Object.freeze({ a: 1 });"), []);
  assert.deepEqual(probe("const Root = createContext(new QueryClient());"), ["const Root = new QueryClient"]);
  assert.deepEqual(probe("export const client = createMizanClient({});"), ["const client = createMizanClient()"]);
  assert.deepEqual(probe("const next = (() => {\n  let n = 0;\n  return () => n++;\n})();"), ["const next = an immediately invoked function"]);
  assert.deepEqual(probe('configure({ baseUrl: "/x" });'), ['a statement run on import: configure({ baseUrl: "/x" });']);
  assert.deepEqual(probe("class Registry {\n  static all = new Set();\n}"), ["a mutable static field Registry.all", "class Registry: new Set at import"]);
  assert.deepEqual(probe("namespace N {\n  export let x = 1;\n}"), ["let x"]);
  // What is fine: a directive, constants, functions (their bodies run later), React contexts.
  assert.deepEqual(probe('"use client";\nconst f = () => new Map();\nconst n = 500;\nconst c = createContext(null);\nfunction g() {\n  let x = [];\n  return x;\n}'), []);
});

test("server.ts loads no React: its imports reach neither react nor the React runtime", () => {
  for (const output of outputs) {
    const entry = join(generated, output, "server.ts");
    if (!existsSync(entry)) continue;
    const seen = new Set<string>();
    const bare = new Map<string, string>();
    const walk = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const sf = parse(file);
      assert.ok(!sf.statements.some((s) => ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression) && s.expression.text === "use client"), `${relative(generated, file)} is "use client" but server.ts imports it`);
      for (const st of sf.statements) {
        if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
        const spec = st.moduleSpecifier.text;
        const typeOnly = ts.isImportDeclaration(st)
          ? !!st.importClause?.isTypeOnly || (!!st.importClause && !st.importClause.name && !!st.importClause.namedBindings && ts.isNamedImports(st.importClause.namedBindings) && st.importClause.namedBindings.elements.every((e) => e.isTypeOnly))
          : st.isTypeOnly;
        if (spec.startsWith(".")) {
          const base = resolve(dirname(file), spec);
          const target = [base + ".ts", base + ".tsx", join(base, "index.ts")].find((f) => existsSync(f)) ?? (existsSync(base) ? base : undefined);
          assert.ok(target, `${relative(generated, file)}: cannot resolve ${spec}`);
          if (!typeOnly) walk(target);
        } else if (!typeOnly) bare.set(spec, relative(generated, file));
      }
    };
    walk(entry);
    assert.ok(!seen.has(join(generated, output, "react.tsx")), `${output}/server.ts reaches react.tsx`);
    // At run time server.ts needs nothing but the kernel (a package, with --kernel).
    const allowed = output === "package-kernel" ? ["@mizan/base"] : [];
    assert.deepEqual([...bare.keys()].sort(), allowed, `${output}/server.ts loads packages at run time: ${JSON.stringify([...bare])}`);
  }
});
