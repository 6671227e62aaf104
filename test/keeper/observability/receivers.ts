// Loopback receivers for the observability tests: a UDP syslog receiver, a webhook receiver, and
// the RFC 5424 reader that checks what they got field by field.
import { createSocket } from "node:dgram";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** RFC 5424 §6: PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]. */
const RFC5424 =
  /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) ([\x21-\x7e]{1,255}) ([\x21-\x7e]{1,48}) ([\x21-\x7e]{1,128}) ([\x21-\x7e]{1,32}) (-|\[.*\]) (.*)$/s;

export interface Parsed {
  readonly facility: number;
  readonly severity: number;
  readonly timestamp: string;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  readonly msgId: string;
  readonly structuredData: string;
  readonly msg: unknown;
  readonly rawMsg: string;
}

export function parse5424(line: string): Parsed {
  const m = RFC5424.exec(line);
  if (m === null) throw new Error(`not RFC 5424: ${line}`);
  const pri = Number(m[1]);
  return {
    facility: Math.floor(pri / 8),
    severity: pri % 8,
    timestamp: m[2]!,
    hostname: m[3]!,
    appName: m[4]!,
    procId: m[5]!,
    msgId: m[6]!,
    structuredData: m[7]!,
    rawMsg: m[8]!,
    msg: JSON.parse(m[8]!) as unknown,
  };
}

/** A UDP receiver on a free loopback port; `got` holds each datagram as text. */
export async function udpReceiver(): Promise<{ port: number; got: string[]; close: () => Promise<void> }> {
  const socket = createSocket("udp4");
  const got: string[] = [];
  socket.on("message", (data) => got.push(data.toString("utf8")));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    port: socket.address().port,
    got,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

export interface WebhookReceiver {
  readonly url: URL;
  readonly bodies: unknown[];
  readonly requests: { method: string; contentType: string | undefined }[];
  close(): Promise<void>;
}

/** A webhook receiver on a free loopback port answering each request with `respond(n)` (n = 1, 2, … requests so far). */
export async function webhookReceiver(respond: (n: number, res: ServerResponse) => void): Promise<WebhookReceiver> {
  const bodies: unknown[] = [];
  const requests: { method: string; contentType: string | undefined }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", contentType: req.headers["content-type"] });
      const n = requests.length;
      // Only what the receiver accepted counts as delivered.
      respond(n, res);
      if (res.headersSent && res.statusCode >= 200 && res.statusCode < 300) {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/hooks/keeper`),
    bodies,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `condition` every 10 ms, failing after 5 s. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
