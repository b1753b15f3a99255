{{ header }}
import { useCallback, useEffect, useRef, useState } from "react";
{{ kernel_import }}
{%- if uses_types %}
import type * as T from "./types";
{%- endif %}

export type ChannelStatus = "connecting" | "open" | "closed";

export interface ChannelState<M> {
  /** Every message received while mounted, in order. */
  messages: M[];
  last: M | null;
  status: ChannelStatus;
}

/** A channel's state, and `send()` for channels that take client messages. */
export type ChannelWithSend<M, C> = ChannelState<M> & {
  send: (message: C) => Promise<void>;
};

/** Subscribes while mounted; listeners with the same params share one server subscription on the
 * app's one socket, which reconnects with backoff and resubscribes. */
function useChannel<M, C>(
  channel: string,
  params: object,
): ChannelWithSend<M, C> {
  const key = channel + stableKey(params);
  const [state, setState] = useState<ChannelState<M>>({
    messages: [],
    last: null,
    status: "connecting",
  });
  const subscription = useRef<ChannelSubscription<C> | null>(null);
  useEffect(() => {
    let active = true;
    setState({ messages: [], last: null, status: "connecting" });
    const sub = subscribeChannel<M, C>(channel, params, (message) => {
      if (active)
        setState((s) => ({
          messages: [...s.messages, message],
          last: message,
          status: "open",
        }));
    });
    subscription.current = sub;
    void sub.ready.then(() => {
      if (active)
        setState((s) =>
          s.status === "connecting" ? { ...s, status: "open" } : s,
        );
    });
    return () => {
      active = false;
      subscription.current = null;
      sub.close();
    };
    // `key` stands for `channel` and `params`.
  }, [key]);
  const send = useCallback(
    (message: C) =>
      subscription.current?.send(message) ??
      Promise.reject(
        new MizanError("NOT_SUBSCRIBED", "the channel is not subscribed"),
      ),
    [],
  );
  return { ...state, send };
}
{%- if has_receive_only %}

/** useChannel() for a channel that takes no client messages: no `send`. */
function useChannelMessages<M>(
  channel: string,
  params: object,
): ChannelState<M> {
  const { send: _send, ...state } = useChannel<M, never>(channel, params);
  return state;
}
{%- endif %}
{%- for c in channels %}

{{ c }}
{%- endfor %}
