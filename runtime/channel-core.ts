// Channels without a framework: openChannel() holds one subscription of a channel through a
// client, keeps its last messages, follows its status as the kernel sees it (connecting, open,
// connecting again while reconnecting, ...), and subscribes again when the client closes it
// under the subscriber; every binding (React, Vue, Svelte) renders its state.
import {
  MizanError,
  type ChannelStatus,
  type ChannelSubscription,
  type MizanClient,
} from "./kernel";

export type { ChannelStatus } from "./kernel";

export interface ChannelState<M> {
  /** The last `max` messages received while subscribed, oldest first. */
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

/** What `send()` rejects with while `channel` has no open subscription. */
export function notSubscribed(channel: string): MizanError {
  return new MizanError("NOT_SUBSCRIBED", channel + ": not subscribed");
}

export interface ChannelOptions {
  /** How many of the latest messages to keep (default 500). */
  max?: number;
}

export const DEFAULT_MAX = 500;

/** Keeps the last `max` messages (none for `max` <= 0, all for a non-finite `max`); the same
 * array when nothing is dropped. */
export function keepLast<M>(messages: M[], max: number): M[] {
  const keep = Math.max(0, Math.floor(max));
  return messages.length > keep
    ? messages.slice(messages.length - keep)
    : messages;
}

/** The state before anything is known: no messages, connecting. */
export function initialState<M>(): ChannelState<M> {
  return { messages: [], last: undefined, status: "connecting" };
}

/** One subscription of `channel` with `params` through `client`: keeps the last `max` messages,
 * follows the status, subscribes again when the client closes it under us (`disconnect()` on
 * sign-in or sign-out, so the new subscription goes over a socket with the new credentials). */
export interface ChannelController<M, C> {
  getState(): ChannelState<M>;
  /** Rejects with `MizanError("NOT_SUBSCRIBED")` while there is no open subscription. */
  send(message: C): Promise<void>;
  /** A smaller `max` applies at once to the messages already kept. */
  setMax(max: number): void;
  /** Ends the subscription; `onChange` is not called after this. */
  close(): void;
}

/** Opens one subscription; `onChange` gets every new state (a new object), from the first
 * status on (which may come before openChannel returns). */
export function openChannel<M, C>(
  client: MizanClient,
  channel: string,
  params: object,
  max: number,
  onChange: (state: ChannelState<M>) => void,
): ChannelController<M, C> {
  let state = initialState<M>();
  let limit = max;
  // The subscription being followed; a replaced or closed one is ignored (its callbacks may
  // still arrive, and the kernel calls onStatus before subscribe() returns).
  let current: { sub?: ChannelSubscription<C> } | null = null;
  const change = (next: ChannelState<M>): void => {
    if (next === state) return;
    state = next;
    onChange(state);
  };
  const status = (now: ChannelStatus): void =>
    change(state.status === now ? state : { ...state, status: now });
  const start = (): void => {
    const own: { sub?: ChannelSubscription<C> } = {};
    current = own;
    own.sub = client.subscribe<M, C>(
      channel,
      params,
      (message) => {
        if (current === own)
          change({
            ...state,
            messages: keepLast([...state.messages, message], limit),
            last: message,
          });
      },
      {
        onStatus: (now) => {
          if (current !== own) return;
          status(now);
          // Closed under us: the client dropped every subscription (disconnect()). Subscribe
          // again once that is done, on the client's next socket; the messages stay.
          if (now === "closed")
            queueMicrotask(() => {
              if (current !== own) return;
              own.sub?.close();
              start();
            });
        },
      },
    );
    if (current === own) status(own.sub.status());
  };
  start();
  return {
    getState: () => state,
    async send(message) {
      const sub = current?.sub;
      if (!sub) throw notSubscribed(channel);
      return sub.send(message);
    },
    setMax(next) {
      limit = next;
      const messages = keepLast(state.messages, limit);
      if (messages !== state.messages) change({ ...state, messages });
    },
    close() {
      const sub = current?.sub;
      current = null;
      sub?.close();
    },
  };
}
