// A DOM for React Testing Library under Node's test runner, preloaded with --import so that it
// exists before react-dom is first evaluated (react-dom decides then whether a DOM is there).
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>", { url: "http://localhost/" });
const g = globalThis as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(dom.window)) {
  if (!(key in g)) g[key] = (dom.window as unknown as Record<string, unknown>)[key];
}
g["window"] = dom.window;
g["document"] = dom.window.document;
g["IS_REACT_ACT_ENVIRONMENT"] = true;
