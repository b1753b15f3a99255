// Type-checks many generated outputs that are each a small change of one of a few base outputs,
// with the TypeScript compiler API, in a worker thread of `mutations.mjs`.
//
// Outputs are mounted in batches at virtual directories, one program a batch; the declarations
// of React, TanStack Query and the DOM are parsed once and reused by every program. A base
// output is checked whole; an output derived from it is checked in the files whose text differs
// from the base's and in the files that import those, directly or not. Every other file is
// byte-identical to a file of the clean base, with byte-identical imports, so its diagnostics are
// the base's: none.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import ts from "typescript";

/** Relative paths and texts of every file under `dir`. */
function readOutput(dir) {
  const files = new Map();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else files.set(relative(dir, join(d, e.name)), readFileSync(join(d, e.name), "utf8"));
    }
  };
  walk(dir);
  return files;
}

/** The output-relative files `rel` imports with a relative specifier. */
function localImports(rel, text, files) {
  const found = [];
  for (const m of text.matchAll(/\bfrom\s+"(\.{1,2}\/[^"]*)"/g)) {
    const spec = normalize(join(dirname(rel), m[1]));
    const target = [`${spec}.ts`, `${spec}.tsx`, `${spec}/index.ts`, spec].find((c) => files.has(c));
    if (target) found.push(target);
  }
  return found;
}

/** The files that differ from `base`, and every file that imports one of them. */
function dirtyFiles(files, base) {
  const dirty = new Set([...files.keys()].filter((rel) => base.get(rel) !== files.get(rel)));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [rel, text] of files) {
      if (!dirty.has(rel) && localImports(rel, text, files).some((t) => dirty.has(t))) {
        dirty.add(rel);
        grew = true;
      }
    }
  }
  return dirty;
}

function createChecker(configPath, mountDir) {
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  const options = { ...parsed.options, noEmit: true };
  const host = ts.createCompilerHost(options, true);
  const inMount = (p) => p === mountDir || p.startsWith(`${mountDir}/`);
  let mounted = new Map();
  const parsedMounted = new Map();
  const parsedDisk = new Map();
  host.getSourceFile = (fileName, languageVersion) => {
    if (inMount(fileName)) {
      const text = mounted.get(fileName);
      if (text === undefined) return undefined;
      const key = `${fileName}\0${createHash("sha1").update(text).digest("hex")}`;
      let sf = parsedMounted.get(key);
      if (!sf) {
        if (parsedMounted.size > 4000) parsedMounted.clear();
        sf = ts.createSourceFile(fileName, text, languageVersion, true);
        parsedMounted.set(key, sf);
      }
      return sf;
    }
    let sf = parsedDisk.get(fileName);
    if (!sf) {
      const text = ts.sys.readFile(fileName);
      if (text === undefined) return undefined;
      sf = ts.createSourceFile(fileName, text, languageVersion, true);
      parsedDisk.set(fileName, sf);
    }
    return sf;
  };
  host.fileExists = (f) => (inMount(f) ? mounted.has(f) : ts.sys.fileExists(f));
  host.readFile = (f) => (inMount(f) ? mounted.get(f) : ts.sys.readFile(f));
  host.directoryExists = (d) =>
    inMount(d) ? [...mounted.keys()].some((k) => k.startsWith(`${d}/`)) : ts.sys.directoryExists(d);
  host.realpath = (p) => (inMount(p) ? p : ts.sys.realpath(p));
  host.writeFile = () => {};

  let oldProgram;
  /** Formatted diagnostics of each of `outputs` ({ files, only }: `only` the output-relative
   * paths to check, all when null), checked together in one program, each output mounted at a
   * directory of its own. */
  return (outputs) => {
    mounted = new Map();
    outputs.forEach(({ files }, k) => {
      for (const [rel, text] of files) mounted.set(join(mountDir, String(k), rel), text);
    });
    const rootNames = [...mounted.keys()].filter((f) => /\.tsx?$/.test(f)).sort();
    const program = ts.createProgram({ rootNames, options, host, oldProgram });
    oldProgram = program;
    const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
    return outputs.map(({ files, only }, k) => {
      const dir = join(mountDir, String(k));
      const diagnostics = k === 0 ? [...global] : [];
      for (const rel of [...files.keys()].filter((f) => /\.tsx?$/.test(f)).sort()) {
        if (only !== null && !only.has(rel)) continue;
        const sf = program.getSourceFile(join(dir, rel));
        diagnostics.push(...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf));
      }
      return diagnostics.map((d) => {
        const where = d.file
          ? `${relative(dir, d.file.fileName)}(${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}): `
          : "";
        return `${where}error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    });
  };
}

const { configPath, mountDir, bases, outputs, batch } = workerData;
const check = createChecker(configPath, mountDir);
const baseFiles = bases.map(readOutput);
const results = [];
check(baseFiles.map((files) => ({ files, only: null }))).forEach((errors, base) => {
  if (errors.length > 0) results.push({ base, errors });
});
for (let b = 0; b < outputs.length; b += batch) {
  const slice = outputs.slice(b, b + batch).map(({ out, base }) => {
    const files = readOutput(out);
    return { out, files, only: dirtyFiles(files, baseFiles[base]) };
  });
  check(slice).forEach((errors, k) => {
    if (errors.length > 0) results.push({ out: slice[k].out, errors });
  });
}
parentPort.postMessage(results);
