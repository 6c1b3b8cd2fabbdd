import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Knows which sockets are in the middle of a request, so that shutdown can close every other
 * one at once: Node's `closeIdleConnections` leaves alone a connection that has sent only
 * part of its headers, and such a socket would hold `server.close()` open until a timeout.
 */
export class ConnectionTracker {
  private readonly active = new Map<Socket, number>();
  private readonly sockets = new Set<Socket>();
  private closing = false;

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      if (this.closing) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.active.delete(socket);
      });
    });
    server.on('request', (req, res) => {
      const socket = req.socket;
      this.active.set(socket, (this.active.get(socket) ?? 0) + 1);
      res.once('close', () => {
        const left = (this.active.get(socket) ?? 1) - 1;
        if (left > 0) this.active.set(socket, left);
        else {
          this.active.delete(socket);
          // A keep-alive socket whose last request ended during shutdown is not reused.
          if (this.closing) socket.destroySoon();
        }
      });
    });
  }

  get inFlight(): number {
    let total = 0;
    for (const count of this.active.values()) total += count;
    return total;
  }

  /** Closes every socket with no request in progress (idle keep-alive and half-sent). */
  closeIdle(): void {
    this.closing = true;
    for (const socket of this.sockets) if (!this.active.has(socket)) socket.destroy();
  }

  /** Resolves true when every request in progress has finished, false after `ms`. */
  async drain(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.inFlight === 0;
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}
