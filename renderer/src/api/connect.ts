import { ApiClient, type Transport } from '../../../common/api/ApiClient';
import type { Z1Bridge } from '../../../common/api/bridge';
import { anyMessage, type EventMessage, type ResponseMessage } from '../../../common/api/messages';

declare global {
  interface Window {
    z1?: Z1Bridge;
  }
}

/** The Electron preload's bridge: requests are invoke/handle pairs, events arrive on their own channel. */
function electronTransport(bridge: Z1Bridge): Transport {
  const listeners = new Set<(message: ResponseMessage | EventMessage) => void>();
  const unsubscribe = bridge.onEvent((event) => listeners.forEach((l) => l(event)));
  return {
    send: (request) => {
      void bridge.request(request).then((response) => listeners.forEach((l) => l(response)));
    },
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: unsubscribe,
  };
}

/** The headless host's WebSocket; requests sent before it opens are queued. */
function websocketTransport(url: string, onClose: () => void): Transport {
  const socket = new WebSocket(url);
  const queue: string[] = [];
  const listeners = new Set<(message: ResponseMessage | EventMessage) => void>();
  socket.addEventListener('open', () => queue.splice(0).forEach((m) => socket.send(m)));
  socket.addEventListener('close', onClose);
  socket.addEventListener('message', (event) => {
    const parsed = anyMessage.safeParse(JSON.parse(String(event.data)));
    if (parsed.success && parsed.data.type !== 'request')
      listeners.forEach((l) => l(parsed.data as ResponseMessage | EventMessage));
  });
  return {
    send: (request) => {
      const text = JSON.stringify(request);
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => socket.close(),
  };
}

/**
 * Connects to whichever host serves this page: the Electron bridge when present, otherwise the
 * headless host's WebSocket on the page's own origin (its token comes from the URL, then the
 * cookie the host set; the URL is cleaned so the token does not stay in the address bar).
 */
export function connect(onDisconnect: () => void): ApiClient {
  if (window.z1) return new ApiClient(electronTransport(window.z1));
  const page = new URL(window.location.href);
  const token = page.searchParams.get('token');
  if (token) {
    page.searchParams.delete('token');
    window.history.replaceState(null, '', page.pathname + page.search + page.hash);
  }
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  let client: ApiClient | null = null;
  const transport = websocketTransport(`${scheme}//${page.host}/api/ws${query}`, () => {
    client?.failPending('connection to the workbench host closed');
    onDisconnect();
  });
  client = new ApiClient(transport);
  return client;
}
