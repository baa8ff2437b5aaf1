// WebSocket routes: `/echo` (operators, the gateway token), `/stream` (public, checked by an HMAC of
// the path in `x-sockets-signature`), `/broken` (throws on connect), and what onStop saw.
import { createHmac } from 'node:crypto';

export default {
  id: 'sockets',
  apiVersion: 1,
  register(api) {
    const open = new Set();
    api.registerWebSocketRoute({
      path: '/echo',
      onConnection(socket, req) {
        open.add(socket);
        socket.onClose(() => open.delete(socket));
        socket.send(JSON.stringify({ hello: req.query.name ?? 'operator' }));
        socket.onMessage((text) => socket.send(`echo: ${text}`));
      },
    });
    api.registerWebSocketRoute({
      path: '/stream',
      public: true,
      verify: (req) => req.headers['x-sockets-signature'] === createHmac('sha256', 'sockets-secret').update(req.path).digest('hex'),
      onConnection(socket) {
        open.add(socket);
        socket.onClose(() => open.delete(socket));
        socket.send('stream open');
      },
    });
    api.registerWebSocketRoute({
      path: '/broken',
      onConnection() {
        throw new Error('the broken route always throws');
      },
    });
    api.onStop(() => {
      for (const socket of open) socket.close(1001, 'plugin stopping');
    });
  },
};
