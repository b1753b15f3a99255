{{ header }}
import { useCallback, useEffect, useRef, useState } from "react";
import { MizanError, stableKey, subscribeChannel, type ChannelSubscription } from {{ kernel }};
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

/** Subscribes while mounted; listeners with the same params share one server subscription on the
 * app's one socket, which reconnects with backoff and resubscribes. */
function useChannel<M, C>(channel: string, params: object): ChannelState<M> & { send: (message: C) => Promise<void> } {
  const key = channel + stableKey(params);
  const [state, setState] = useState<ChannelState<M>>({ messages: [], last: null, status: "connecting" });
  const subscription = useRef<ChannelSubscription<C> | null>(null);
  useEffect(() => {
    let active = true;
    setState({ messages: [], last: null, status: "connecting" });
    const sub = subscribeChannel<M, C>(channel, params, (message) => {
      if (active) setState((s) => ({ messages: [...s.messages, message], last: message, status: "open" }));
    });
    subscription.current = sub;
    void sub.ready.then(() => {
      if (active) setState((s) => (s.status === "connecting" ? { ...s, status: "open" } : s));
    });
    return () => {
      active = false;
      subscription.current = null;
      sub.close();
    };
    // `key` stands for `channel` and `params`.
  }, [key]);
  const send = useCallback(
    (message: C) => subscription.current?.send(message) ?? Promise.reject(new MizanError("NOT_SUBSCRIBED", "the channel is not subscribed")),
    [],
  );
  return { ...state, send };
}
{%- for c in channels %}

{{ c.doc }}export function {{ c.hook }}(params: {{ c.params }}): ChannelState<{{ c.message }}>{% if let Some(client) = c.client %} & { send: (message: {{ client }}) => Promise<void> }{% endif %} {
{%- if let Some(client) = c.client %}
  return useChannel<{{ c.message }}, {{ client }}>({{ c.wire }}, params);
{%- else %}
  const { send: _send, ...state } = useChannel<{{ c.message }}, never>({{ c.wire }}, params);
  return state;
{%- endif %}
}
{%- endfor %}
