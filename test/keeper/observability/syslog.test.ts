// RFC 5424 messages to real UDP and TCP receivers on loopback: every header field checked, the
// JSON in MSG parsed back, TCP frames split by their octet counts, and a dropped TCP connection
// opened again.
import { expect } from "chai";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import type { Alert } from "../../../src/bus/topics.ts";
import {
  SYSLOG_APP_NAME,
  formatSyslogMessage,
  octetCounted,
  syslogSender,
} from "../../../src/keeper/observability/syslog.ts";
import { parse5424, udpReceiver, until } from "./receivers.ts";

const ALERT: Alert = {
  kind: "drift",
  severity: "warning",
  portfolio: "0x00000000000000000000000000000000000000Aa",
  message: "post-trade drift 2.1 % > 1 % — rebalance again",
  value: 0.021,
  threshold: 0.01,
  at: "2026-12-04T21:00:00.123Z",
};

/** Splits an RFC 6587 octet-counted stream into its messages; throws on a malformed frame. */
function splitOctetCounted(stream: Buffer): string[] {
  const messages: string[] = [];
  let at = 0;
  while (at < stream.length) {
    const space = stream.indexOf(0x20, at);
    const length = Number(stream.subarray(at, space).toString("ascii"));
    if (space < 0 || !Number.isInteger(length) || length <= 0) throw new Error(`bad frame at ${at}`);
    messages.push(stream.subarray(space + 1, space + 1 + length).toString("utf8"));
    at = space + 1 + length;
  }
  return messages;
}

describe("keeper/observability/syslog", () => {
  it("formats an alert as RFC 5424: local0, mapped severity, UTC time, app-name, kind as MSGID, JSON MSG", () => {
    const line = formatSyslogMessage(ALERT, { hostname: "keeper-1", procId: "4242" });
    const p = parse5424(line);
    expect(p.facility).to.equal(16);
    expect(p.severity).to.equal(4);
    expect(p.timestamp).to.equal("2026-12-04T21:00:00.123Z");
    expect(p.hostname).to.equal("keeper-1");
    expect(p.appName).to.equal(SYSLOG_APP_NAME);
    expect(p.procId).to.equal("4242");
    expect(p.msgId).to.equal("drift");
    expect(p.structuredData).to.equal("-");
    expect(p.msg).to.deep.equal(ALERT);
    // Plain ASCII (MSG-ANY, no BOM): the em dash travels as a JSON escape.
    expect(/^[\x20-\x7e]*$/.test(line)).to.equal(true);
    expect(p.rawMsg).to.include("\\u2014");
    expect(parse5424(formatSyslogMessage({ ...ALERT, severity: "critical" })).severity).to.equal(2);
    expect(parse5424(formatSyslogMessage({ ...ALERT, severity: "info" })).severity).to.equal(6);
  });

  it("keeps every header field printable and every MSG a JSON copy of the alert, whatever its text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary", maxLength: 300 }), (message, host) => {
        const alert: Alert = { ...ALERT, message: message === "" ? "x" : message };
        const p = parse5424(formatSyslogMessage(alert, { hostname: host }));
        expect(p.msg).to.deep.equal(alert);
        expect(p.hostname.length).to.be.at.most(255);
      }),
    );
  });

  it("sends one datagram per alert to a UDP receiver", async () => {
    const { port, got, close } = await udpReceiver();
    const sender = syslogSender({ protocol: "udp", host: "127.0.0.1", port }, { hostname: "k", procId: "1" });
    try {
      await sender.send(ALERT);
      await sender.send({ ...ALERT, kind: "keeper", severity: "critical", message: "3 cycles failed" });
      await until(() => got.length === 2, "two datagrams");
      const [first, second] = got.map(parse5424);
      expect(first!.msgId).to.equal("drift");
      expect(second!.msgId).to.equal("keeper");
      expect(second!.severity).to.equal(2);
      expect((second!.msg as Alert).message).to.equal("3 cycles failed");
    } finally {
      await sender.close();
      await close();
    }
  });

  it("frames alerts by octet counting over TCP and reconnects after the receiver drops the connection", async () => {
    const streams: Buffer[][] = [];
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => {
      const chunks: Buffer[] = [];
      streams.push(chunks);
      sockets.push(socket);
      socket.on("data", (d) => chunks.push(d));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const sender = syslogSender({ protocol: "tcp", host: "127.0.0.1", port });
    const messages = (i: number): string[] => splitOctetCounted(Buffer.concat(streams[i] ?? []));
    try {
      await sender.send(ALERT);
      await sender.send({ ...ALERT, message: "second — with a dash", severity: "critical" });
      await until(() => messages(0).length === 2, "two frames");
      expect(messages(0).map((m) => (parse5424(m).msg as Alert).message)).to.deep.equal([
        ALERT.message,
        "second — with a dash",
      ]);
      expect(octetCounted("é")).to.equal("2 é");

      // The receiver restarts its side: the next alert goes out on a new connection.
      sockets[0]!.destroy();
      await until(() => sockets[0]!.destroyed, "the drop");
      await new Promise((resolve) => setTimeout(resolve, 50));
      let sent = false;
      for (let attempt = 0; attempt < 3 && !sent; attempt++) {
        // A write into a connection the peer just closed may fail once; the forwarder retries it.
        sent = await sender.send({ ...ALERT, message: "after reconnect" }).then(
          () => streams.length > 1,
          () => false,
        );
      }
      await until(() => messages(1).length >= 1, "a frame on the second connection");
      expect((parse5424(messages(1).at(-1)!).msg as Alert).message).to.equal("after reconnect");
    } finally {
      await sender.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
