// The Vite plugin: `import mizan from "mizan-generate/vite"`. It runs the same native binary as
// the `mizan-generate` command (lib/resolve.js finds it) and implements nothing of its own:
//   vite build  one generation in buildStart; invalid input fails the build with the located
//               diagnostic (the binary's `--check --format json` report gives file, line and
//               column; its human rendering gives the code frame).
//   vite dev    `mizan-generate --watch` as a child for the server's lifetime: the binary follows
//               the config, the schema and every file the description refers to. Each run's end
//               is read from its output: a good run that wrote or removed files invalidates the
//               generated modules and reloads the page once; a failed one shows the diagnostic in
//               the error overlay and the last good output stays; the next good run clears it.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import path from "node:path";
import resolve from "./lib/resolve.js";

const PLUGIN = "mizan-generate";

/** What a good run prints on standard output: `src/api: 14 files (2 written, 12 unchanged[, 1 removed]) in 9 ms`. */
const DONE = /^(.*): (\d+) files \((\d+) written, (\d+) unchanged(?:, (\d+) removed)?\) in (\d+) ms/;
/** What ends a failed run on standard error (the diagnostics come before it). */
const FAILED = [/^generation failed after \d+ ms; the previous output is kept$/, /^the config is invalid; still using the previous one$/];
/** Standard-error lines of the watch loop that are neither a diagnostic nor a run's end. */
const CHATTER = [/^watching .* \(Ctrl-C to stop\)$/, /^config reloaded$/, /^stopped watching$/];

/** Parses a good run's summary line; null for any other line. */
export function parseDone(line) {
  const m = DONE.exec(line);
  if (!m) return null;
  return { outDir: m[1], files: +m[2], written: +m[3], unchanged: +m[4], removed: +(m[5] ?? 0) };
}

function binary() {
  const found = resolve.findBinary();
  if (found instanceof Error) throw new Error(found.message);
  return found;
}

/** Runs the binary once; resolves with its exit code and output (never rejects on exit codes). */
function run(args, cwd) {
  return new Promise((done, fail) => {
    const child = spawn(binary(), args, { cwd, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", fail);
    child.on("close", (code, signal) => done({ code: code ?? (signal ? 1 : 0), stdout, stderr }));
  });
}

/**
 * The error for a failed run: the first error of `--check --format json` (the same input read
 * again, so it names the file, line and column; `codeFrame` shows its lines), with `text`, the
 * failed run's human rendering of every diagnostic, as `frame`. Falls back to the text alone
 * when the report has no located error.
 */
async function diagnose(base, cwd, text) {
  let report = null;
  try {
    const r = await run([...base, "--check", "--format", "json", "--diff", "none", "--color", "never"], cwd);
    report = JSON.parse(r.stdout);
  } catch {
    // No report: the text says what went wrong.
  }
  const errors = (report?.diagnostics ?? []).filter((d) => d.severity === "error");
  const first = errors[0];
  const frame = text.trim();
  if (!first) {
    const err = new Error(`mizan-generate failed\n${frame}`);
    err.plugin = PLUGIN;
    return err;
  }
  const label = first.labels?.find((l) => l.primary) ?? first.labels?.[0];
  const file = label ? path.resolve(cwd, label.file) : first.file ? path.resolve(cwd, first.file) : undefined;
  const where = label ? `${label.file}:${label.line}:${label.column}: ` : first.file ? `${first.file}: ` : "";
  const more = errors.length > 1 ? `\n(and ${errors.length - 1} more ${errors.length === 2 ? "error" : "errors"}: see below)` : "";
  const err = new Error(`${where}${first.code}: ${first.message}${first.help ? `\n  help: ${first.help}` : ""}${more}`);
  err.plugin = PLUGIN;
  err.code = first.code;
  if (file) err.id = file;
  if (label) err.loc = { file, line: label.line, column: label.column };
  if (frame) err.frame = frame;
  if (label && file) err.codeFrame = codeFrame(file, label);
  return err;
}

/** How much of a long line (a schema on one line) a code frame shows around the column. */
const WINDOW = 100;

/**
 * The lines around a diagnostic's label in the layout of Vite's own code frames (`12 | ...` and
 * a caret line), which its error overlay recognises and shows as a frame; undefined when
 * the file cannot be read.
 */
export function codeFrame(file, label) {
  let source;
  try {
    source = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, label.line - 2);
  const last = Math.min(lines.length, label.line + 2);
  const width = String(last).length;
  // One window of columns for every line shown, so that the caret stays under its text.
  const from = Math.max(0, label.column - 1 - WINDOW / 2);
  const clip = (text) => (from > 0 ? "…" : "") + text.slice(from, from + WINDOW) + (text.length > from + WINDOW ? "…" : "");
  const out = [];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1] ?? "";
    // Numbers first, as Vite lays them out: the overlay trims the frame's leading spaces.
    out.push(`${String(n).padEnd(width)} | ${clip(text)}`);
    if (n === label.line) {
      const start = label.column - 1 - from + (from > 0 ? 1 : 0);
      const end = label.end_line === label.line ? label.end_column - 1 - from + (from > 0 ? 1 : 0) : start + 1;
      const carets = "^".repeat(Math.max(1, Math.min(end, start + WINDOW) - start));
      out.push(`${" ".repeat(width)} | ${" ".repeat(start)}${carets}${label.text ? ` ${label.text}` : ""}`);
    }
  }
  return out.join("\n");
}

/** An Error as Vite's error overlay payload: the code frame as its frame (the overlay shows
 * only frames laid out as Vite's), the binary's rendering of every diagnostic as its stack. */
function payload(err) {
  return {
    message: err.message,
    stack: err.frame ?? "",
    plugin: PLUGIN,
    ...(err.id ? { id: err.id } : {}),
    ...(err.codeFrame ? { frame: err.codeFrame } : {}),
    ...(err.loc ? { loc: err.loc } : {}),
  };
}

const inside = (dir, file) => {
  const rel = path.relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
};

/**
 * @param {{ config?: string, args?: string[] }} [options]
 *   config: the mizan.toml to run, relative to Vite's root (default `mizan.toml`);
 *   args: more arguments for every run (`["--verbose"]`, `["--force"]`).
 */
export default function mizan(options = {}) {
  let root = process.cwd();
  let logger = console;
  let command = "build";
  let base = [];
  /** The output directory, absolute, as the last good run named it. */
  let outDir = null;
  /** Ends the dev server's watch child; a no-op otherwise. */
  let stop = () => {};

  const config = (configPath) => ["--config", path.resolve(root, configPath), ...(options.args ?? [])];

  return {
    name: PLUGIN,

    configResolved(resolved) {
      root = resolved.root;
      logger = resolved.logger;
      command = resolved.command;
      base = config(options.config ?? "mizan.toml");
    },

    async buildStart() {
      // The dev server's generations are the watch child's (configureServer).
      if (command === "serve") return;
      const r = await run([...base, "--color", "never"], root);
      if (r.code === 0) {
        const done = r.stdout.split("\n").map(parseDone).find(Boolean);
        if (done) outDir = path.resolve(root, done.outDir);
        logger.info(`[${PLUGIN}] ${r.stdout.trim()}`);
        return;
      }
      const err = await diagnose(base, root, r.stderr);
      this.error(err);
    },

    async configureServer(server) {
      // The first run has ended (good or not) before the server answers a request.
      await watch(server);
    },

    // The server is closing (or restarting with a new config, which starts a new child).
    closeBundle() {
      stop();
    },

    hotUpdate: {
      order: "pre",
      handler({ file }) {
        // The browser is reloaded once when a whole run is written (below), not once per file
        // as Vite's watcher sees them land.
        if (this.environment.name === "client" && outDir && inside(outDir, file)) return [];
      },
    },
  };

  // `vite dev`: one `mizan-generate --watch` child for the server's lifetime.
  function watch(server) {
    const hot = server.environments?.client?.hot ?? server.hot ?? server.ws;
    const child = spawn(binary(), [...base, "--watch", "--color", "never"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    let stopping = false;
    const kill = () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill();
    };
    stop = () => {
      kill();
      process.removeListener("exit", kill);
    };
    // A server that is never closed (the process just exits) leaves no child behind.
    process.once("exit", kill);

    /** The error the overlay shows now, sent again to every browser that connects. */
    let shown = null;
    server.ws.on("connection", () => {
      if (shown) hot.send({ type: "error", err: shown });
    });

    let stderr = [];
    let queue = Promise.resolve();
    let first;
    const started = new Promise((ok, fail) => (first = { ok, fail }));

    const ended = async (done) => {
      if (!done.failed) {
        outDir = path.resolve(root, done.outDir);
        const changed = done.written + done.removed > 0;
        logger.info(`[${PLUGIN}] ${done.line}`, { timestamp: true });
        if (shown) {
          // An empty update clears Vite's error overlay.
          shown = null;
          hot.send({ type: "update", updates: [] });
        }
        if (changed) {
          for (const env of Object.values(server.environments ?? { client: { moduleGraph: server.moduleGraph } })) {
            const graph = env.moduleGraph;
            if (!graph?.fileToModulesMap) continue;
            for (const [file, mods] of graph.fileToModulesMap) {
              if (inside(outDir, path.resolve(file))) for (const mod of mods) graph.invalidateModule(mod);
            }
          }
          hot.send({ type: "full-reload", path: "*" });
        }
      } else {
        const text = done.text;
        const err = await diagnose(base, root, text);
        logger.error(`[${PLUGIN}] ${text.trim()}`, { timestamp: true });
        shown = payload(err);
        hot.send({ type: "error", err: shown });
      }
      first.ok();
    };
    const end = (done) => (queue = queue.then(() => ended(done)).catch((e) => logger.error(`[${PLUGIN}] ${e.stack ?? e}`)));

    createInterface({ input: child.stdout }).on("line", (line) => {
      const done = parseDone(line);
      if (done) {
        // What a good run printed on standard error is its warnings.
        const warnings = stderr.join("\n").trim();
        stderr = [];
        if (warnings) logger.warn(`[${PLUGIN}] ${warnings}`, { timestamp: true });
        end({ ...done, line });
      } else if (line.trim()) logger.info(`[${PLUGIN}] ${line}`);
    });
    createInterface({ input: child.stderr }).on("line", (line) => {
      if (FAILED.some((re) => re.test(line))) {
        // The run's diagnostics, taken now: the next run may print while this one is reported.
        const text = stderr.join("\n");
        stderr = [];
        end({ failed: true, text });
      } else if (CHATTER.some((re) => re.test(line))) return;
      else stderr.push(line);
    });
    child.on("error", (e) => first.fail(new Error(`${PLUGIN}: cannot run the generator: ${e.message}`)));
    // "close", not "exit": its standard error has been read to the end by then.
    child.on("close", (code, signal) => {
      process.removeListener("exit", kill);
      if (stopping) return;
      // Before its first run ends, the watch cannot start (a bad config, a missing schema
      // directory): the server does not start either. Later, say that watching stopped.
      const text = stderr.join("\n").trim();
      const message = `${PLUGIN} --watch exited (${signal ?? `code ${code}`})${text ? `:\n${text}` : ""}`;
      first.fail(new Error(message));
      logger.error(`[${PLUGIN}] ${message}`);
    });
    return started;
  }
}
