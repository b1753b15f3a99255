"use client";
// Channel helpers for the generated `use<Name>Channel()` hooks: subscribe through the client of the
// enclosing <MizanContext> while mounted, keep the last messages, and report the subscription's
// status as the kernel sees it (connecting, open, connecting again while reconnecting, ...).
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  MizanError,
  stableKey,
  type ChannelStatus,
  type ChannelSubscription,
} from "./kernel";
import { useMizan } from "./react";

export type { ChannelStatus } from "./kernel";

export interface ChannelState<M> {
  /** The last `max` messages received while mounted, oldest first. */
  messages: M[];
  /** The newest message; undefined until one arrives. */
  last: M | undefined;
  /** The subscription's status; `connecting` again while the socket is down and reconnecting. */
  status: ChannelStatus;
}

/** A channel's state, and `send()` for channels that take client messages. */
export type ChannelWithSend<M, C> = ChannelState<M> & {
  send(message: C): Promise<void>;
};

export interface ChannelOptions {
  /** How many of the latest messages to keep (default 500). */
  max?: number;
}

const DEFAULT_MAX = 500;

/** Keeps the last `max` messages (none for `max` <= 0, all for a non-finite `max`). */
function keepLast<M>(messages: M[], max: number): M[] {
  const keep = Math.max(0, Math.floor(max));
  return messages.length > keep
    ? messages.slice(messages.length - keep)
    : messages;
}

/** The state of the subscription `id` (channel and params), so that a render with new params
 * never shows the previous params' messages. */
interface Held<M> {
  id: string;
  state: ChannelState<M>;
}

function initialState<M>(): ChannelState<M> {
  return { messages: [], last: undefined, status: "connecting" };
}

function useSubscription<M, C>(
  channel: string,
  params: object,
  options: ChannelOptions | undefined,
): [ChannelState<M>, (message: C) => Promise<void>] {
  const { client } = useMizan();
  const max = options?.max ?? DEFAULT_MAX;
  const key = stableKey(params);
  const id = `${channel}\n${key}`;
  const [held, setHeld] = useState<Held<M>>(() => ({
    id,
    state: initialState(),
  }));
  const subscription = useRef<ChannelSubscription<C> | null>(null);
  // Bumped when the client closes the subscription under the hook (`disconnect()` on sign-in
  // or sign-out): the hook then subscribes again, on a socket with the new credentials.
  const [generation, setGeneration] = useState(0);
  // Read by the listener, so that a new `max` does not resubscribe.
  const maxRef = useRef(max);
  useEffect(() => {
    maxRef.current = max;
  }, [max]);

  useEffect(() => {
    let active = true;
    const update = (next: (s: ChannelState<M>) => ChannelState<M>): void => {
      if (active)
        setHeld((h) => {
          if (h.id !== id) return h;
          const state = next(h.state);
          return state === h.state ? h : { id, state };
        });
    };
    setHeld((h) => (h.id === id ? h : { id, state: initialState() }));
    const sub = client.subscribe<M, C>(
      channel,
      params,
      (message) =>
        update((s) => ({
          ...s,
          messages: keepLast([...s.messages, message], maxRef.current),
          last: message,
        })),
      {
        onStatus: (status) => {
          update((s) => (s.status === status ? s : { ...s, status }));
          if (status === "closed" && active) setGeneration((g) => g + 1);
        },
      },
    );
    subscription.current = sub;
    const now = sub.status();
    update((s) => (s.status === now ? s : { ...s, status: now }));
    return () => {
      active = false;
      if (subscription.current === sub) subscription.current = null;
      sub.close();
    };
    // `id` stands for `channel` and `params`.
  }, [client, id, generation]);

  const send = useCallback(async (message: C): Promise<void> => {
    const sub = subscription.current;
    if (sub === null)
      throw new MizanError("NOT_SUBSCRIBED", "the channel is not subscribed");
    return sub.send(message);
  }, []);

  const fresh = useMemo(() => initialState<M>(), [id]);
  const state = held.id === id ? held.state : fresh;
  // A smaller `max` applies at once to the messages already kept.
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
