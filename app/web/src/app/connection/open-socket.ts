import { io, type Socket } from 'socket.io-client';

/**
 * Opens the page's Socket.IO connection. It lives in the lazy chunk with socket.io-client and imports nothing
 * of the app's, so that the chunk shares no code with the first screen's (a shared chunk would cost more).
 * `lifecycle` gets the connection's own events; every event the server sends goes to `onEvent`.
 */
export function openSocket(
  url: string,
  path: string,
  auth: () => Record<string, string>,
  lifecycle: Record<'connect' | 'disconnect' | 'connect_error', (...args: never[]) => void>,
  onEvent: (event: string, payload: unknown) => void,
): Socket {
  const socket = io(url, {
    path,
    reconnectionDelay: 500,
    reconnectionDelayMax: 4000,
    // WebSocket first: the polling handshake and upgrade cost five requests and most of the connect's
    // main-thread time. Polling stays as the fallback (a proxy without WebSocket), tried when it fails.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    // A function, so that every (re)connect carries the current name.
    auth: (cb) => cb(auth()),
  });
  for (const [event, fn] of Object.entries(lifecycle)) socket.on(event, fn as (...args: unknown[]) => void);
  socket.onAny(onEvent);
  return socket;
}
