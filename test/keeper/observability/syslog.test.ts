// RFC 5424 messages to real UDP and TCP receivers on loopback: every header field checked, the
// JSON in MSG parsed back, TCP frames split by their octet counts, and a dropped TCP connection
// opened again.
import { expect } from "chai";
import { createSocket } from "node:dgram";
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

/** RFC 5424 §6: PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]. */
const RFC5424 =
  /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) ([\x21-\x7e]{1,255}) ([\x21-\x7e]{1,48}) ([\x21-\x7e]{1,128}) ([\x21-\x7e]{1,32}) (-|\[.*\]) (.*)$/s;

interface Parsed {
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

function parse5424(line: string): Parsed {
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

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
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
    const receiver = createSocket("udp4");
    const got: string[] = [];
    receiver.on("message", (data) => got.push(data.toString("utf8")));
    await new Promise<void>((resolve) => receiver.bind(0, "127.0.0.1", resolve));
    const { port } = receiver.address();
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
      receiver.close();
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
