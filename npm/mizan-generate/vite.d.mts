import type { Plugin } from "vite";

/** Options of the mizan-generate Vite plugin. */
export interface MizanGenerateOptions {
  /** The mizan.toml to run, relative to Vite's root. Default: `"mizan.toml"`. */
  config?: string;
  /** More command-line arguments for every run of the generator, e.g. `["--verbose"]`. */
  args?: string[];
}

/**
 * Runs mizan-generate (the same binary as the `mizan-generate` command) from Vite: once at the
 * start of `vite build`, failing the build with the located diagnostic on invalid input; during
 * `vite dev`, as `mizan-generate --watch`, with failures in the error overlay and a page reload
 * after each run that changed the generated files.
 */
export default function mizan(options?: MizanGenerateOptions): Plugin;

/** A good run's summary line, parsed (`null` for any other line). */
export function parseDone(line: string): {
  outDir: string;
  files: number;
  written: number;
  unchanged: number;
  removed: number;
} | null;

/** The lines around a diagnostic's label (`--format json`'s `labels[]`), laid out as Vite's
 * code frames so that its error overlay shows them; `undefined` when the file cannot be read. */
export function codeFrame(
  file: string,
  label: { line: number; column: number; end_line: number; end_column: number; text?: string },
): string | undefined;
