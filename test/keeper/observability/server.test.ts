import { expect } from "chai";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { Counter, Registry } from "prom-client";
import { InputError } from "../../../src/errors.ts";
import { startMetricsServer } from "../../../src/keeper/observability/server.ts";
import { parseExposition, sampleValue } from "./exposition.ts";

describe("keeper/observability/server", () => {
  it("serves the registry on GET /metrics; other paths 404, other methods 405", async () => {
    const registry = new Registry();
    new Counter({ name: "probe_total", help: "a probe", registers: [registry] }).inc(3);
    const server = await startMetricsServer({ registry, port: 0 });
    try {
      expect(server.url).to.equal(`http://127.0.0.1:${server.port}/metrics`);
      const page = parseExposition(await (await fetch(server.url)).text());
      expect(sampleValue(page, "probe_total")).to.equal(3);
      expect((await fetch(new URL("/other", server.url))).status).to.equal(404);
      const post = await fetch(server.url, { method: "POST" });
      expect(post.status).to.equal(405);
      expect(post.headers.get("allow")).to.equal("GET, HEAD");
      expect(await (await fetch(server.url, { method: "HEAD" })).text()).to.equal("");
    } finally {
      await server.close();
    }
  });

  it("refuses a port in use as PORT_IN_USE naming the option, an address it cannot bind as HOST_UNAVAILABLE", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const error = await startMetricsServer({ registry: new Registry(), port }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(InputError);
      expect((error as InputError).code).to.equal("PORT_IN_USE");
      expect((error as InputError).path).to.equal("--metrics-port");
      const fleet = await startMetricsServer({
        registry: new Registry(),
        port,
        portOption: "--fleet-metrics-port",
      }).catch((e: unknown) => e as InputError);
      expect((fleet as InputError).path).to.equal("--fleet-metrics-port");
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
    // 192.0.2.1 (TEST-NET-1) is on no interface of this machine.
    const unbindable = await startMetricsServer({ registry: new Registry(), port: 0, host: "192.0.2.1" }).catch(
      (e: unknown) => e as InputError,
    );
    expect((unbindable as InputError).code).to.equal("HOST_UNAVAILABLE");
    expect((unbindable as InputError).path).to.equal("--metrics-host");
  });
});
