// Two <MizanContext> roots in one document, each with its own client pointing at its own
// mizan-reference-backend (MIZAN_URL, and a second one this file starts): each root's requests
// go only to its backend, and a call's effects reach only its own root's cache.
//
// User ids 7200-7299 are this file's.

import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";

import { act, render } from "@testing-library/react";

import * as api from "../.generated/reference-3.1/index.ts";
import { clientOf, direct, MIZAN_URL, mount, nameUser, recorder, Root, settle, startBackend, text, tidy, until } from "./support.tsx";

let other: Awaited<ReturnType<typeof startBackend>> | undefined;

before(async () => {
  other = await startBackend();
});

after(async () => {
  await other?.stop();
});

afterEach(tidy);

const secondUrl = (): string => {
  assert.ok(other, "the second backend is running");
  return other.url;
};

function Page({ tag }: { tag: string }) {
  const profile = api.useUserProfile();
  const me = api.useCurrentUser();
  return (
    <>
      <p data-testid={`${tag}-name`}>{profile === undefined ? "undefined" : profile.name}</p>
      <p data-testid={`${tag}-me`}>{me === undefined ? "undefined" : String(me)}</p>
    </>
  );
}

const hooks: Record<string, { rename?: ReturnType<typeof api.useRenameUser>; update?: ReturnType<typeof api.useUpdateProfile>; root?: ReturnType<typeof api.useMizan> }> = { a: {}, b: {} };
function Hooks({ tag }: { tag: "a" | "b" }) {
  const mine = hooks[tag];
  assert.ok(mine);
  mine.rename = api.useRenameUser();
  mine.update = api.useUpdateProfile();
  mine.root = api.useMizan();
  return null;
}
const hook = <K extends "rename" | "update" | "root">(tag: "a" | "b", k: K): NonNullable<(typeof hooks)["a"][K]> => {
  const h = hooks[tag]?.[k];
  assert.ok(h);
  return h;
};

test("two roots on two backends: each root's requests go only to its own backend", async () => {
  const b = secondUrl();
  assert.notEqual(new URL(b).origin, new URL(MIZAN_URL).origin);
  // The same user id, named differently on each backend.
  await Promise.all([nameUser(7201, "On A"), nameUser(7201, "On B", b)]);
  const r = recorder();
  const originA = new URL(MIZAN_URL).origin;
  const originB = new URL(b).origin;
  render(
    <>
      <Root client={clientOf(r)}>
        <api.UserContext user_id={7201}>
          <Page tag="a" />
        </api.UserContext>
        <Hooks tag="a" />
      </Root>
      <Root client={clientOf(r, {}, b)}>
        <api.UserContext user_id={7201}>
          <Page tag="b" />
        </api.UserContext>
        <Hooks tag="b" />
      </Root>
    </>,
  );
  await until(() => assert.deepEqual([text("a-name"), text("b-name"), text("a-me"), text("b-me")], ["On A", "On B", "null", "null"]));
  assert.notEqual(hook("a", "root").queryClient, hook("b", "root").queryClient, "one QueryClient per root");
  assert.notEqual(hook("a", "root").client, hook("b", "root").client);
  await settle(r);
  const perOrigin = (origin: string) => r.made().filter((s) => s.origin === origin).map((s) => `${s.method} ${s.path}`).sort();
  assert.deepEqual(perOrigin(originA), ["GET /ctx/global/", "GET /ctx/user/"]);
  assert.deepEqual(perOrigin(originB), ["GET /ctx/global/", "GET /ctx/user/"]);

  // An affects mutation through root A: A's bundle refetches from A; B sees no request.
  await act(async () => void (await hook("a", "update").mutate({ user_id: 7201, name: "Updated on A" })));
  await until(() => assert.equal(text("a-name"), "Updated on A"));
  await settle(r);
  assert.deepEqual(perOrigin(originA), ["GET /ctx/global/", "GET /ctx/user/", "GET /ctx/user/", "POST /call/"]);
  assert.deepEqual(perOrigin(originB), ["GET /ctx/global/", "GET /ctx/user/"], "root B made no request");
  assert.equal(text("b-name"), "On B", "root B's cache is untouched");

  // A merge through root B: the POST goes to B, the slot changes in root B only.
  await act(async () => void (await hook("b", "rename").mutate({ user_id: 7201, name: "Renamed on B" })));
  await until(() => assert.equal(text("b-name"), "Renamed on B"));
  await settle(r);
  assert.equal(text("a-name"), "Updated on A", "root A's cache is untouched");
  assert.deepEqual(perOrigin(originB), ["GET /ctx/global/", "GET /ctx/user/", "POST /call/"]);
  assert.equal(perOrigin(originA).length, 4, "root A made no request");

  // And the backends really hold different data.
  assert.deepEqual(await api.callFindUser({ user_id: 7201 }, { client: direct() }), { user_id: 7201, name: "Updated on A" });
  assert.deepEqual(await api.callFindUser({ user_id: 7201 }, { client: direct({}, b) }), { user_id: 7201, name: "Renamed on B" });
});

test("two roots configured by props (baseUrl), each creating its own client and QueryClient", async () => {
  const b = secondUrl();
  await Promise.all([nameUser(7202, "Props A"), nameUser(7202, "Props B", b)]);
  const r = recorder();
  render(
    <>
      <Root baseUrl={mount()} fetch={r.fetch}>
        <api.UserContext user_id={7202}>
          <Page tag="a" />
        </api.UserContext>
        <Hooks tag="a" />
      </Root>
      <Root baseUrl={mount(b)} fetch={r.fetch}>
        <api.UserContext user_id={7202}>
          <Page tag="b" />
        </api.UserContext>
        <Hooks tag="b" />
      </Root>
    </>,
  );
  await until(() => assert.deepEqual([text("a-name"), text("b-name")], ["Props A", "Props B"]));
  assert.equal(hook("a", "root").client.baseUrl, mount());
  assert.equal(hook("b", "root").client.baseUrl, mount(b));
  await settle(r);
  assert.equal(r.gets("user", { user_id: 7202 }, new URL(MIZAN_URL).origin).length, 1);
  assert.equal(r.gets("user", { user_id: 7202 }, new URL(b).origin).length, 1);
});
