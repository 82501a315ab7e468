// The gateway's WebSocket protocol (gateway/README.md, "Live updates"). It is not part of
// the OpenAPI document, so these types are written by hand from gateway/src/gateway/live
// and unison_bus.live.LiveUpdate.

/** The first message, and any later one to change topics. */
export interface Subscribe {
  subscribe: string[]; // glob patterns over update types: "job.*", "inventory.material.*"
  since?: string; // uid of the last update processed before reconnecting
}

export interface LiveUpdate {
  type: string; // "<service>.<entity>.<verb>" or "job.<status>"
  id: string; // what changed: fetch it over HTTP
  uid: string; // this update's id (UUIDv7, time-ordered)
  organization_id: string;
  plant_id: string | null;
  data: Record<string, string | number | boolean | null>;
}

export interface Subscribed {
  type: "live.subscribed";
  topics: string[];
}

export interface Gap {
  type: "live.gap";
  detail: string;
}

export type ServerFrame = LiveUpdate | Subscribed | Gap;

/** Close codes the gateway uses. */
export const CLOSE_BAD_SUBSCRIPTION = 1008;
export const CLOSE_TOO_SLOW = 1013;

export function isControl(frame: ServerFrame): frame is Subscribed | Gap {
  return frame.type === "live.subscribed" || frame.type === "live.gap";
}

/**
 * Follows updates and resumes after a disconnect from the last uid seen; on a gap the
 * caller reloads its views over HTTP (onGap), then updates go on.
 */
export function follow(
  wsUrl: string,
  token: () => string,
  topics: string[],
  onUpdate: (update: LiveUpdate) => void,
  onGap: () => void,
): () => void {
  let lastUid: string | undefined;
  let socket: WebSocket | undefined;
  let stopped = false;
  let retry = 500;

  const open = (): void => {
    socket = new WebSocket(`${wsUrl}?access_token=${encodeURIComponent(token())}`);
    socket.onopen = () => {
      retry = 500;
      const request: Subscribe = { subscribe: topics, ...(lastUid ? { since: lastUid } : {}) };
      socket?.send(JSON.stringify(request));
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      const frame = JSON.parse(event.data) as ServerFrame;
      if (!isControl(frame)) {
        lastUid = frame.uid;
        onUpdate(frame);
      } else if (frame.type === "live.gap") {
        onGap();
      }
    };
    socket.onclose = (event: CloseEvent) => {
      if (stopped || event.code === CLOSE_BAD_SUBSCRIPTION) return;
      setTimeout(open, retry);
      retry = Math.min(retry * 2, 30_000);
    };
  };
  open();
  return () => {
    stopped = true;
    socket?.close();
  };
}
