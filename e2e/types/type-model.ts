// Type-level tests of the type model (fixtures/good/types-3.1 and types-3.0).
import type { KitchenSinkInput, KitchenSinkOutput, Pet, Quote, Shape, TreeNodeInput, appModelsAccount } from "../.generated/types-3.1/index";
import type { Media } from "../.generated/types-3.0/index";
import { QueryClient } from "@tanstack/query-core";
import { _2faVerifyQuery, call2faVerify, callKitchenSink, createMizanClient, fetchTreeContext, treeContextQuery, type TreeContextData } from "../.generated/types-3.1/server";

export function narrows(pet: Pet, shape: Shape, media: Media): number {
  const lives = pet.pet_type === "cat" ? pet.lives : pet.good_boy ? 1 : 0;
  const size = shape.kind === "circle" ? shape.radius : shape.side;
  // 3.0: tags come from one-value enums (or are added from the mapping).
  const length = media.kind === "book" ? media.isbn.length : media.minutes;
  return lives + size + length;
}

export function shapes(out: KitchenSinkOutput, account: appModelsAccount): unknown[] {
  const tuple: [number, number] | undefined = account.coords;
  const rest: number[] = account.tags ? account.tags.slice(1).map(Number) : [];
  const free: unknown = out.account["content-type"];
  const depth: number = out.tree.depth; // readOnly, and present in output
  const limit: number = out.limit; // a default: always present in output
  return [tuple, rest, free, depth, limit, account["2fa"], account.status satisfies "active"];
}

export const quotes: Quote[] = ["it's", 'say "hi"', "${injected}", "back\\slash", "*/ closes"];
export const tree: TreeNodeInput = { label: "root", children: [{ label: "leaf" }] };
export const minimal: KitchenSinkInput = { tree, shape: { kind: "square", side: 1 } };

export async function calls(): Promise<unknown> {
  const client = createMizanClient({ baseUrl: "https://api.example.com/api/mizan" });
  const verified: boolean = await call2faVerify({ code: "123456" });
  const bundle = await fetchTreeContext();
  const root = bundle.tree_root; // nullable output
  const viaClient: TreeContextData = await fetchTreeContext({}, { client });
  // Query factories, also for a name that starts with a digit.
  const queryClient = new QueryClient();
  const checked = await queryClient.fetchQuery(_2faVerifyQuery({ code: "123456" }, client));
  const tree = queryClient.getQueryData(treeContextQuery().queryKey);
  return [verified, root?.label, viaClient.tree_size, checked satisfies boolean, tree?.tree_size, await callKitchenSink(minimal, { client })];
}

export function mustNotCompile(pet: Pet, out: KitchenSinkOutput): void {
  // @ts-expect-error a wrong discriminant
  const cow: Pet = { pet_type: "cow", lives: 1 };
  // @ts-expect-error members are only known after narrowing
  void pet.lives;
  // @ts-expect-error enum values are exact
  const q: Quote = "its";
  // @ts-expect-error defaulted properties are optional in inputs, others are not
  const input: KitchenSinkInput = { limit: 1 };
  // @ts-expect-error readOnly properties are read-only
  out.tree.depth = 2;
  // @ts-expect-error writeOnly properties are not part of outputs
  void out.account.password;
  // @ts-expect-error a tuple has its length
  const pair: appModelsAccount["coords"] = [1, 2, 3];
  void [cow, q, input, pair];
}
