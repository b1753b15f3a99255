// Svelte 5 binding of channels (the generated `create<Name>Channel()`): one subscription
// (runtime/channel-core.ts) through the client of the enclosing setMizanContext() while the
// component is mounted, opened again when the params change, closed at teardown.
import { untrack } from "svelte";
import { stableKey } from "./kernel";
import {
  DEFAULT_MAX,
  initialState,
  notSubscribed,
  openChannel,
  type ChannelController,
  type ChannelState,
  type ChannelWithSend,
} from "./channel-core";
import { getMizan } from "./svelte.svelte";

export type {
  ChannelOptions,
  ChannelState,
  ChannelWithSend,
} from "./channel-core";

export interface SvelteChannelOptions {
  /** How many of the latest messages to keep (default 500); a getter to change it. */
  max?: number | (() => number);
}

/** Subscribes to `channel` with `params()` while the component is mounted: the last `max`
 * messages, the newest one, the status (getters), and `send()`, which rejects with
 * `MizanError("NOT_SUBSCRIBED")` while there is no subscription. */
export function createChannel<M, C>(
  channel: string,
  params: () => object,
  options?: SvelteChannelOptions,
): ChannelWithSend<M, C> {
  const { client } = getMizan();
  const max = () => {
    const m = options?.max;
    return (typeof m === "function" ? m() : m) ?? DEFAULT_MAX;
  };
  // Params that read the same (a new object of the same values) keep the subscription.
  const key = $derived(stableKey(params()));
  let state = $state.raw<ChannelState<M>>(initialState());
  let open: ChannelController<M, C> | undefined;
  $effect(() => {
    void key;
    const c = untrack(() =>
      openChannel<M, C>(client, channel, params(), max(), (s) => (state = s)),
    );
    open = c;
    state = c.getState();
    return () => {
      open = undefined;
      c.close();
    };
  });
  $effect(() => open?.setMax(max()));
  return {
    get messages() {
      return state.messages;
    },
    get last() {
      return state.last;
    },
    get status() {
      return state.status;
    },
    send: (message) =>
      open ? open.send(message) : Promise.reject(notSubscribed(channel)),
  };
}

/** createChannel() for a channel that takes no client messages. */
export const createChannelMessages: <M>(
  channel: string,
  params: () => object,
  options?: SvelteChannelOptions,
) => ChannelState<M> = createChannel;
