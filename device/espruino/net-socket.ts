// The MQTT client's socket over Espruino's `net` module, which delivers data as strings of
// bytes, the form the client parses.
import type { ClientSocket, OpenSocket, SocketHandlers } from '../mqtt/client.js';
import type { NetModule } from '../types/espruino.js';

export function espruinoSockets(net: NetModule): OpenSocket {
  return function (host: string, port: number, handlers: SocketHandlers): ClientSocket {
    let reason = 'connection closed by the broker';
    let closed = false;
    const socket = net.connect({ host: host, port: port }, function () { handlers.onOpen(); });
    socket.on('data', function (data: string) { handlers.onData(data); });
    socket.on('error', function (error: { message?: string }) { reason = 'socket error: ' + (error && error.message ? error.message : String(error)); });
    socket.on('close', function () {
      if (closed) return;
      closed = true;
      handlers.onClose(reason);
    });
    return {
      write: function (bytes: string) { socket.write(bytes); },
      close: function () {
        reason = 'connection closed by the pot';
        socket.end();
      },
    };
  };
}
