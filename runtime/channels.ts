"use client";
// React binding of channels (the generated `use<Name>Channel()` hooks): one channel controller
// (runtime/channel-core.ts) per mounted component, through the client of the enclosing
// <MizanContext>, opened again when the channel or its params change.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  DEFAULT_MAX,
  initialState,
  keepLast,
  notSubscribed,
  openChannel,
  type ChannelController,
  type ChannelOptions,
  type ChannelState,
  type ChannelWithSend,
} from "./channel-core";
import { stableKey } from "./kernel";
import { useMizan } from "./react";

export {
  type ChannelOptions,
  type ChannelState,
  type ChannelWithSend,
} from "./channel-core";
export type { ChannelStatus } from "./kernel";

/** The state of the subscription `id` (channel and params), so that a render with new params
 * never shows the previous params' messages. */
interface Held<M> {
  id: string;
  state: ChannelState<M>;
}

function useSubscription<M, C>(
  channel: string,
  params: object,
  options: ChannelOptions | undefined,
): [ChannelState<M>, (message: C) => Promise<void>] {
  const { client } = useMizan();
  const max = options?.max ?? DEFAULT_MAX;
  const id = `${channel}\n${stableKey(params)}`;
  const [held, setHeld] = useState<Held<M>>(() => ({
    id,
    state: initialState(),
  }));
  const controller = useRef<ChannelController<M, C> | null>(null);
  // Read when subscribing, so that a new `max` does not resubscribe.
  const maxRef = useRef(max);
  useEffect(() => {
    maxRef.current = max;
    controller.current?.setMax(max);
  }, [max]);

  useEffect(() => {
    const opened = openChannel<M, C>(
      client,
      channel,
      params,
      maxRef.current,
      (state) => setHeld({ id, state }),
    );
    controller.current = opened;
    setHeld({ id, state: opened.getState() });
    return () => {
      if (controller.current === opened) controller.current = null;
      opened.close();
    };
    // `id` stands for `channel` and `params`.
  }, [client, id]);

  const send = useCallback(
    async (message: C): Promise<void> => {
      const opened = controller.current;
      if (opened === null) throw notSubscribed(channel);
      return opened.send(message);
    },
    [channel],
  );

  const fresh = useMemo(() => initialState<M>(), [id]);
  const state = held.id === id ? held.state : fresh;
  // A smaller `max` applies at once, in this very render, to the messages already kept.
  const result = useMemo(() => {
    const messages = keepLast(state.messages, max);
    return messages === state.messages ? state : { ...state, messages };
  }, [state, max]);
  return [result, send];
}

/** Subscribes to `channel` with `params` while mounted (resubscribing when they change, closing
 * on unmount): the last `max` messages, the newest one, the status, and `send()`. `send` rejects
 * with `MizanError("NOT_SUBSCRIBED")` while there is no subscription. */
export function useChannel<M, C>(
  channel: string,
  params: object,
  options?: ChannelOptions,
): ChannelWithSend<M, C> {
  const [state, send] = useSubscription<M, C>(channel, params, options);
  return useMemo(() => ({ ...state, send }), [state, send]);
}

/** useChannel() for a channel that takes no client messages: no `send`. */
export function useChannelMessages<M>(
  channel: string,
  params: object,
  options?: ChannelOptions,
): ChannelState<M> {
  return useSubscription<M, never>(channel, params, options)[0];
}
