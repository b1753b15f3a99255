// Vue binding of channels: one channel controller (channel-core.ts) per component and params,
// rendered as a shallow reactive `{ messages, last, status, send }`; new params subscribe anew,
// and the subscription ends with the component's scope.
import {
  getCurrentInstance,
  onMounted,
  onScopeDispose,
  shallowReactive,
  toValue,
  watch,
  type MaybeRefOrGetter,
} from "vue";
import {
  DEFAULT_MAX,
  initialState,
  notSubscribed,
  openChannel,
  type ChannelController,
  type ChannelState,
  type ChannelWithSend,
} from "./channel-core";
import { stableKey } from "./kernel";
import { useMizan } from "./vue";

export interface VueChannelOptions {
  /** How many of the latest messages to keep (default 500); a smaller value applies at once. */
  max?: MaybeRefOrGetter<number>;
}

/** Subscribes to `channel` with `params` (a ref or getter: new params subscribe anew, with no
 * messages) while the component is mounted (never during server rendering): `messages` (the last `max`), `last`, `status` and
 * `send()` are reactive. */
export function useChannel<M, C>(
  channel: string,
  params: MaybeRefOrGetter<object>,
  options?: VueChannelOptions,
): ChannelWithSend<M, C> {
  const { client } = useMizan();
  let controller: ChannelController<M, C> | undefined;
  const max = () => toValue(options?.max) ?? DEFAULT_MAX;
  const state: ChannelWithSend<M, C> = shallowReactive({
    ...initialState<M>(),
    send: (message: C) =>
      controller
        ? controller.send(message)
        : Promise.reject(notSubscribed(channel)),
  });
  const update = (next: ChannelState<M>) => Object.assign(state, next);
  const open = () => {
    controller?.close();
    update(initialState<M>());
    controller = openChannel<M, C>(
      client,
      channel,
      toValue(params),
      max(),
      update,
    );
  };
  watch(() => stableKey(toValue(params)), open);
  // In a component, the subscription starts once it is mounted, so never during server
  // rendering (which runs setup() and never unmounts); in a bare effect scope, at once.
  if (getCurrentInstance()) onMounted(open);
  else open();
  watch(max, (limit) => controller?.setMax(limit));
  onScopeDispose(() => controller?.close());
  return state;
}

/** useChannel() for a channel without client messages: no `send`. */
export function useChannelMessages<M>(
  channel: string,
  params: MaybeRefOrGetter<object>,
  options?: VueChannelOptions,
): ChannelState<M> {
  return useChannel<M, never>(channel, params, options);
}
