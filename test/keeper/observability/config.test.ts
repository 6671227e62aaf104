import { expect } from "chai";
import { InputError } from "../../../src/errors.ts";
import { observabilityChecks, observabilityConfig } from "../../../src/keeper/observability/config.ts";

/** The InputError a check throws (or undefined). */
function refusal(check: () => unknown): InputError | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
}

describe("keeper/observability/config", () => {
  it("reads good values into one config; no port serves no endpoint", () => {
    const [port, host, syslog, webhook] = observabilityChecks({
      metricsPort: "9464",
      siemSyslog: "tcp://siem.internal:601",
      siemWebhook: "https://siem.example/hooks/keeper?token=abc",
    });
    expect(observabilityConfig({ port: port(), host: host(), syslog: syslog(), webhook: webhook() })).to.deep.equal({
      metrics: { port: 9464, host: "127.0.0.1" },
      syslog: { protocol: "tcp", host: "siem.internal", port: 601 },
      webhook: new URL("https://siem.example/hooks/keeper?token=abc"),
    });
    const [, , udp] = observabilityChecks({ siemSyslog: "udp://[::1]:514" });
    expect(udp()).to.deep.equal({ protocol: "udp", host: "::1", port: 514 });
    const none = observabilityChecks({}).map((check) => check());
    expect(none).to.deep.equal([undefined, "127.0.0.1", undefined, undefined]);
  });

  const bad: readonly [string, Record<string, string>, number, string, string][] = [
    ["port above 65535", { metricsPort: "65536" }, 0, "--metrics-port", "OPTION_INVALID"],
    ["port not a number", { metricsPort: "nine" }, 0, "--metrics-port", "OPTION_INVALID"],
    ["negative port", { metricsPort: "-1" }, 0, "--metrics-port", "OPTION_INVALID"],
    ["empty host", { metricsHost: " " }, 1, "--metrics-host", "OPTION_INVALID"],
    ["syslog not a URL", { siemSyslog: "siem:514" }, 2, "--siem-syslog", "SIEM_URL_INVALID"],
    ["syslog over http", { siemSyslog: "http://siem:514" }, 2, "--siem-syslog", "SIEM_URL_INVALID"],
    ["syslog without a port", { siemSyslog: "udp://siem" }, 2, "--siem-syslog", "SIEM_URL_INVALID"],
    ["syslog with a path", { siemSyslog: "tcp://siem:601/x" }, 2, "--siem-syslog", "SIEM_URL_INVALID"],
    ["webhook not a URL", { siemWebhook: "siem.example/hook" }, 3, "--siem-webhook", "SIEM_URL_INVALID"],
    ["webhook over ftp", { siemWebhook: "ftp://siem.example/hook" }, 3, "--siem-webhook", "SIEM_URL_INVALID"],
  ];
  for (const [what, values, index, option, code] of bad) {
    it(`refuses ${what}, naming ${option}`, () => {
      const error = refusal(observabilityChecks(values)[index]!);
      expect(error?.code).to.equal(code);
      expect(error?.path).to.equal(option);
    });
  }
});
