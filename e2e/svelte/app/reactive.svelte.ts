// Props a scenario can change after mounting: each key is its own $state.raw signal, so that
// objects such as the client are passed as they are, not proxied.
export function reactive<T extends object>(init: T): T {
  const out = {} as T;
  for (const key of Object.keys(init) as (keyof T)[]) {
    let value = $state.raw(init[key]);
    Object.defineProperty(out, key, {
      enumerable: true,
      get: () => value,
      set: (next: T[keyof T]) => (value = next),
    });
  }
  return out;
}
