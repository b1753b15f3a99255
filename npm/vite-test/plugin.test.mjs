// The Vite plugin (mizan-generate/vite) under a real Vite, with the debug binary:
// build() generates, or fails with the located diagnostic and leaves the output alone;
// createServer() regenerates on schema edits through `mizan-generate --watch`, reloads the page
// only when the output changed, and shows failures in the error overlay until a good run.
//   cargo build && (cd npm/vite-test && npm ci && node --test)
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { build, createServer } from "vite";
import WebSocket from "ws";
import mizan, { codeFrame, parseDone } from "mizan-generate/vite";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
process.env.MIZAN_GENERATE_BINARY ??= join(root, "target", "debug", "mizan-generate");
const work = mkdtempSync(join(tmpdir(), "mizan-vite-"));
after(() => rmSync(work, { recursive: true, force: true }));

const reference = JSON.parse(readFileSync(join(root, "fixtures", "good", "reference-3.1", "schema.json"), "utf8"));

/** The reference schema, with `extra` properties added to EchoOutput. */
function schema(extra = {}) {
  const doc = structuredClone(reference);
  Object.assign(doc.components.schemas.EchoOutput.properties, extra);
  return JSON.stringify(doc, null, 2) + "\n";
}

/** The reference schema with one bad reference (echo's output); the text and its line. */
function broken() {
  const doc = JSON.parse(schema());
  doc["x-mizan-functions"].find((f) => f.name === "echo").output.$ref = "#/components/schemas/EchoOutptu";
  const text = JSON.stringify(doc, null, 2) + "\n";
  const line = text.split("\n").findIndex((l) => l.includes("EchoOutptu")) + 1;
  assert.ok(line > 0);
  return { text, line };
}

function project(name) {
  const dir = join(work, name);
  cpSync(join(root, "npm", "vite-test", "app"), dir, { recursive: true });
  writeFileSync(join(dir, "schema.json"), schema());
  return dir;
}

/** Every file of a directory with its bytes and modification time. */
function snapshot(dir) {
  const out = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    out[file] = [readFileSync(file, "utf8"), statSync(file).mtimeMs];
  }
  return out;
}

function capture() {
  const lines = [];
  const push = (m) => {
    lines.push(String(m));
  };
  return {
    lines,
    logger: { info: push, warn: push, warnOnce: push, error: push, clearScreen() {}, hasErrorLogged: () => false, hasWarned: false },
  };
}

test("the summary line of a good run is read", () => {
  assert.deepEqual(parseDone("src/api: 14 files (2 written, 12 unchanged) in 9 ms"), { outDir: "src/api", files: 14, written: 2, unchanged: 12, removed: 0 });
  assert.deepEqual(parseDone("../a: b/api: 3 files (0 written, 2 unchanged, 1 removed) in 0 ms"), { outDir: "../a: b/api", files: 3, written: 0, unchanged: 2, removed: 1 });
  assert.equal(parseDone("watching schema.json (Ctrl-C to stop)"), null);
});

// What Vite's error overlay takes for a code frame (vite/dist/client/client.mjs); other
// frames are not shown.
const VITE_FRAME = /^(?:>?\s*\d+\s+\|.*|\s+\|\s*\^.*)\r?\n/gm;

test("code frames are laid out as Vite's, long lines cut around the column", () => {
  const file = join(work, "frame.json");
  writeFileSync(file, `{\n  "a": 1,\n  "b": [2, 3],\n  "c": 4\n}\n`);
  const frame = codeFrame(file, { line: 3, column: 8, end_line: 3, end_column: 14, text: "here" });
  assert.equal(frame, ["1 | {", '2 |   "a": 1,', '3 |   "b": [2, 3],', "  |        ^^^^^^ here", '4 |   "c": 4', "5 | }"].join("\n"));
  assert.equal(frame.match(VITE_FRAME)?.length, 5, "every line but the last (no newline) is a frame line");
  writeFileSync(file, `{"x": "${"y".repeat(500)}", "bad": 1}`);
  const long = codeFrame(file, { line: 1, column: 511, end_line: 1, end_column: 516 });
  const [line, caret] = long.split("\n");
  assert.ok(line.length < 120, line);
  assert.equal(line.indexOf('"bad"'), caret.indexOf("^"), "the caret is under the text");
  assert.equal(codeFrame(join(work, "nope.json"), { line: 1, column: 1, end_line: 1, end_column: 2 }), undefined);
});

test("vite build generates the client before bundling it", async () => {
  const dir = project("build-good");
  const { logger, lines } = capture();
  await build({ root: dir, configFile: false, customLogger: logger, logLevel: "warn", plugins: [mizan()] });
  assert.match(readFileSync(join(dir, "src", "api", "types.ts"), "utf8"), /export interface EchoOutput/);
  const assets = readdirSync(join(dir, "dist", "assets"));
  const js = assets.find((f) => f.endsWith(".js"));
  assert.match(readFileSync(join(dir, "dist", "assets", js), "utf8"), /\/call\//, "the generated client is in the bundle");
  assert.ok(lines.some((l) => /src\/api: \d+ files \(\d+ written/.test(l)), "the run is logged");
});

test("vite build fails on a bad schema with the located diagnostic, the output untouched", async () => {
  const dir = project("build-bad");
  await build({ root: dir, configFile: false, logLevel: "silent", plugins: [mizan()] });
  const before = snapshot(join(dir, "src", "api"));
  rmSync(join(dir, "dist"), { recursive: true });
  const bad = broken();
  writeFileSync(join(dir, "schema.json"), bad.text);
  await assert.rejects(
    build({ root: dir, configFile: false, logLevel: "silent", plugins: [mizan()] }),
    (failure) => {
      // Rolldown gathers the build's errors; the plugin's is the one.
      assert.match(failure.message, /\[plugin mizan-generate\]/);
      const err = failure.errors?.[0] ?? failure;
      assert.match(err.message, new RegExp(`schema\\.json:${bad.line}:\\d+: mizan::schema::dangling-ref`), err.message);
      assert.match(err.message, /help: .*EchoOutput/, "the help names the schema meant");
      assert.equal(err.plugin, "mizan-generate");
      assert.equal(err.loc?.file, join(dir, "schema.json"));
      assert.equal(err.loc?.line, bad.line);
      assert.match(err.frame ?? "", /EchoOutptu/, "the code frame");
      return true;
    },
  );
  assert.deepEqual(snapshot(join(dir, "src", "api")), before, "nothing was written");
  assert.throws(() => statSync(join(dir, "dist")), "nothing was bundled");
});

test("a missing config fails the build and says so", async () => {
  const dir = project("build-no-config");
  await assert.rejects(
    build({ root: dir, configFile: false, logLevel: "silent", plugins: [mizan({ config: "nope.toml" })] }),
    /nope\.toml/,
  );
});

test("a binary that cannot be found fails the build with resolve.js's explanation", async () => {
  const dir = project("build-no-binary");
  const saved = process.env.MIZAN_GENERATE_BINARY;
  process.env.MIZAN_GENERATE_BINARY = join(dir, "nope");
  try {
    await assert.rejects(
      build({ root: dir, configFile: false, logLevel: "silent", plugins: [mizan()] }),
      /MIZAN_GENERATE_BINARY points at .*nope, which does not exist/,
    );
  } finally {
    process.env.MIZAN_GENERATE_BINARY = saved;
  }
});

/** The dev server's HMR messages, as a browser's Vite client receives them. */
async function client(port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, "vite-hmr");
  const messages = [];
  const waiters = [];
  ws.on("message", (data) => {
    const m = JSON.parse(String(data));
    messages.push(m);
    for (const w of [...waiters]) if (w.test(m)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(m);
  });
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  return {
    messages,
    /** The next message (from now on; with `past`, also one already received) that passes `test`. */
    next(test, what, ms = 10000, past = false) {
      return new Promise((resolve, reject) => {
        const seen = past && messages.find(test);
        if (seen) return resolve(seen);
        const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms; got ${JSON.stringify(messages.map((m) => m.type))}`)), ms);
        waiters.push({ test, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    close: () => ws.close(),
  };
}

/** Resolves when the logger has printed a line matching `re` after `from` lines. */
async function logged(lines, from, re, ms = 10000) {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (lines.slice(from).some((l) => re.test(l))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not logged within ${ms} ms: ${re}\n${lines.slice(from).join("\n")}`);
}

test("vite dev regenerates on edits, reloads only on change, shows failures until fixed", async () => {
  const dir = project("dev");
  const { logger, lines } = capture();
  const server = await createServer({
    root: dir,
    configFile: false,
    customLogger: logger,
    server: { host: "127.0.0.1", port: 0, strictPort: false },
    plugins: [mizan()],
  });
  try {
    // The first run ended before createServer resolved.
    const types = join(dir, "src", "api", "types.ts");
    assert.match(readFileSync(types, "utf8"), /export interface EchoOutput/);
    await server.listen();
    const port = server.httpServer.address().port;
    const get = async (path) => (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    const hmr = await client(port);
    await hmr.next((m) => m.type === "connected", "connected", 5000, true);
    // The browser has loaded the generated types (Vite has them in its module graph now).
    assert.match(await get("/src/api/types.ts?raw"), /EchoOutput/);

    // An edit: regenerated, and one reload for the run (not one per file Vite sees written).
    const before = hmr.messages.length;
    let from = lines.length;
    let reload = hmr.next((m) => m.type === "full-reload", "full-reload");
    writeFileSync(join(dir, "schema.json"), schema({ echoed_at: { type: "string" } }));
    await reload;
    await logged(lines, from, /\(1 written, \d+ unchanged\)/);
    assert.match(readFileSync(types, "utf8"), /echoed_at/);
    assert.match(await get("/src/api/types.ts?raw"), /echoed_at/, "the new module is served");
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(hmr.messages.slice(before).map((m) => m.type), ["full-reload"]);

    // Broken: the overlay gets the located diagnostic; the output stays as it was.
    const good = snapshot(join(dir, "src", "api"));
    const bad = broken();
    const error = hmr.next((m) => m.type === "error", "error");
    writeFileSync(join(dir, "schema.json"), bad.text);
    const { err } = await error;
    assert.match(err.message, new RegExp(`schema\\.json:${bad.line}:\\d+: mizan::schema::dangling-ref`), err.message);
    assert.match(err.message, /help: /);
    assert.equal(err.plugin, "mizan-generate");
    assert.deepEqual(err.loc && { file: err.loc.file, line: err.loc.line }, { file: join(dir, "schema.json"), line: bad.line });
    assert.match(err.frame, new RegExp(`^${bad.line} +\\|.*EchoOutptu`, "m"), "the frame shows the line");
    assert.ok(VITE_FRAME.test(err.frame), "in the layout the overlay shows");
    assert.match(err.stack, /mizan::schema::dangling-ref\n\n  × `\$ref` points at/, "every diagnostic as the binary renders it");
    assert.deepEqual(snapshot(join(dir, "src", "api")), good, "the last good output is kept");
    assert.ok(!hmr.messages.some((m, i) => m.type === "full-reload" && i > hmr.messages.indexOf(hmr.messages.find((x) => x.type === "error"))));

    // A browser that connects now sees the error too.
    const late = await client(port);
    await late.next((m) => m.type === "error", "error for a new client", 5000, true);
    late.close();

    // Fixed (with a change): the overlay is cleared, then one reload.
    const cleared = hmr.next((m) => m.type === "update" && m.updates.length === 0, "overlay cleared");
    reload = hmr.next((m) => m.type === "full-reload", "full-reload");
    writeFileSync(join(dir, "schema.json"), schema({ echoed_at: { type: "string" }, echoed_by: { type: "string" } }));
    await cleared;
    await reload;
    assert.match(readFileSync(types, "utf8"), /echoed_by/);

    // The same bytes again: a run that writes nothing sends nothing.
    const count = hmr.messages.length;
    from = lines.length;
    writeFileSync(join(dir, "schema.json"), schema({ echoed_at: { type: "string" }, echoed_by: { type: "string" } }));
    await logged(lines, from, /\(0 written, \d+ unchanged\)/);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(hmr.messages.slice(count).map((m) => m.type).filter((t) => t !== "ping"), [], "no reload, no overlay change");

    // Broken, then fixed back to exactly the last good schema: the overlay is cleared, and as
    // the output did not change, the page is not reloaded.
    const error2 = hmr.next((m) => m.type === "error", "error");
    writeFileSync(join(dir, "schema.json"), bad.text);
    await error2;
    const count2 = hmr.messages.length;
    const cleared2 = hmr.next((m) => m.type === "update" && m.updates.length === 0, "overlay cleared");
    writeFileSync(join(dir, "schema.json"), schema({ echoed_at: { type: "string" }, echoed_by: { type: "string" } }));
    await cleared2;
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(hmr.messages.slice(count2).map((m) => m.type), ["update"]);
    hmr.close();
  } finally {
    await server.close();
  }
  // The watch child is gone with the server: an edit now regenerates nothing.
  const types = readFileSync(join(dir, "src", "api", "types.ts"), "utf8");
  writeFileSync(join(dir, "schema.json"), schema({ after_close: { type: "string" } }));
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(readFileSync(join(dir, "src", "api", "types.ts"), "utf8"), types);
});

test("vite dev serves the new output after a reload even before Vite's watcher sees the writes", async () => {
  const dir = project("dev-unwatched");
  // Vite's own watcher never reports the output here: the plugin alone makes the reload safe.
  const server = await createServer({
    root: dir,
    configFile: false,
    logLevel: "silent",
    server: { host: "127.0.0.1", port: 0, watch: { ignored: ["**/src/api/**"] } },
    plugins: [mizan()],
  });
  try {
    await server.listen();
    const port = server.httpServer.address().port;
    const get = async (path) => (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    const hmr = await client(port);
    assert.match(await get("/src/api/types.ts?raw"), /EchoOutput/);
    const reload = hmr.next((m) => m.type === "full-reload", "full-reload");
    writeFileSync(join(dir, "schema.json"), schema({ echoed_at: { type: "string" } }));
    await reload;
    assert.match(await get("/src/api/types.ts?raw"), /echoed_at/, "the stale module was invalidated");
    hmr.close();
  } finally {
    await server.close();
  }
});

test("vite dev with a missing config does not start, and says why", async () => {
  const dir = project("dev-no-config");
  await assert.rejects(
    createServer({ root: dir, configFile: false, logLevel: "silent", server: { port: 0 }, plugins: [mizan({ config: "nope.toml" })] }),
    /nope\.toml/,
  );
});
