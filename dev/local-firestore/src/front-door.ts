// One port for both protocols, like the official emulator: a connection that opens with the
// HTTP/2 preface is piped to the internal gRPC server; anything else is served as HTTP/1.1.
import * as http from "http";
import * as net from "net";

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n");

export interface FrontDoor {
  server: net.Server;
  close(): Promise<void>;
}

export async function openFrontDoor(
  host: string,
  port: number,
  grpcPort: number,
  handleHttp: http.RequestListener,
): Promise<FrontDoor> {
  const httpServer = http.createServer(handleHttp);
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };

  const server = net.createServer((socket) => {
    track(socket);
    socket.setNoDelay(true);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, H2_PREFACE.length);
      const isH2 = head.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2 && n < H2_PREFACE.length) return; // not enough bytes to decide yet
      socket.off("data", onData);
      socket.pause();
      if (isH2) pipeToGrpc(socket, head);
      else {
        socket.unshift(head);
        httpServer.emit("connection", socket);
        socket.resume();
      }
    };
    socket.on("data", onData);
    socket.on("error", () => socket.destroy());
  });

  const pipeToGrpc = (socket: net.Socket, head: Buffer) => {
    const upstream = net.connect(grpcPort, "127.0.0.1");
    track(upstream);
    upstream.setNoDelay(true);
    upstream.write(head);
    socket.pipe(upstream);
    upstream.pipe(socket);
    socket.resume();
    upstream.on("error", () => socket.destroy());
    socket.on("close", () => upstream.destroy());
    upstream.on("close", () => socket.destroy());
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });

  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
