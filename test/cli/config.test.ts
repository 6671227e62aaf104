import { expect } from "chai";
import { Command } from "commander";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyConfigSettings, chooseConfigFile, readConfigFile } from "../../src/cli/config.ts";
import { InputError } from "../../src/errors.ts";
import { inputErrorOf } from "../helpers/expect.ts";
import "../helpers/isolateConfig.ts";

const dir = mkdtempSync(join(tmpdir(), "portfolio-config-"));

function write(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof json === "string" ? json : JSON.stringify(json));
  return path;
}

/** A two-level program like portfolio's: `gov status` with a deployment or explicit addresses. */
function program(seen: { opts?: Record<string, unknown> }): Command {
  const root = new Command("portfolio").option("--config <file>").exitOverride();
  const gov = new Command("gov").exitOverride();
  gov
    .command("status")
    .exitOverride()
    .requiredOption("--rpc <url>")
    .option("--deployment <file>", "deployment", "deployments/localhost.json")
    .option("--registry <address>")
    .action((opts: Record<string, unknown>) => {
      seen.opts = opts;
    });
  root.addCommand(gov);
  applyConfigSettings(root, () => dir);
  return root;
}

describe("cli: config (src/cli/config.ts)", () => {
  it("chooses --config, else PORTFOLIO_CONFIG, else ./portfolio.config.json when present", () => {
    const cwd = join(dir, "cwd");
    mkdirSync(cwd);
    expect(chooseConfigFile(undefined, {}, cwd)).to.deep.equal({ path: undefined, from: "none" });
    writeFileSync(join(cwd, "portfolio.config.json"), "{}");
    expect(chooseConfigFile(undefined, {}, cwd).from).to.equal("./portfolio.config.json");
    expect(chooseConfigFile(undefined, { PORTFOLIO_CONFIG: "a.json" }, cwd)).to.deep.equal({
      path: join(cwd, "a.json"),
      from: "PORTFOLIO_CONFIG",
    });
    expect(chooseConfigFile(undefined, { PORTFOLIO_CONFIG: "" }, cwd)).to.deep.equal({
      path: undefined,
      from: "PORTFOLIO_CONFIG",
    });
    expect(chooseConfigFile("/b.json", { PORTFOLIO_CONFIG: "a.json" }, cwd)).to.deep.equal({
      path: "/b.json",
      from: "--config",
    });
  });

  it("reads the settings, a relative deployment relative to the file", () => {
    const path = write("ok.json", {
      rpc: "http://127.0.0.1:8545",
      deployment: "deployments/x.json",
      bus: "nats://h:1",
    });
    expect(readConfigFile(path)).to.deep.equal({
      rpc: "http://127.0.0.1:8545",
      deployment: join(dir, "deployments/x.json"),
      bus: "nats://h:1",
    });
  });

  it("names the file and every bad key at once", () => {
    const path = write("bad.json", { rpx: "http://x", bus: 3, rpc: "" });
    const error = inputErrorOf(() => readConfigFile(path));
    expect(error.code).to.equal("CONFIG_KEY_UNKNOWN");
    expect(error.message).to.equal(
      `${path}: rpx: unknown setting; the settings are rpc, deployment, bus; ` +
        `${path}: bus: expected a non-empty string, got 3; ${path}: rpc: expected a non-empty string, got "" (3 problems)`,
    );
  });

  it("malformed JSON, a non-object and a missing file are one error each, naming the file", () => {
    const malformed = inputErrorOf(() => readConfigFile(write("m.json", "{rpc:")));
    expect(malformed.code).to.equal("CONFIG_MALFORMED");
    expect(malformed.message).to.match(new RegExp(`^${join(dir, "m.json")}: not valid JSON`));
    expect(inputErrorOf(() => readConfigFile(write("a.json", "[]"))).code).to.equal("CONFIG_MALFORMED");
    expect(inputErrorOf(() => readConfigFile(join(dir, "none.json"))).code).to.equal("CONFIG_UNREADABLE");
  });

  describe("applied to a command tree", () => {
    const keys = ["PORTFOLIO_RPC", "PORTFOLIO_DEPLOYMENT", "PORTFOLIO_BUS", "PORTFOLIO_CONFIG"];
    const saved = { ...process.env };
    const clear = (): void => {
      for (const key of keys) Reflect.deleteProperty(process.env, key);
    };
    beforeEach(clear);
    afterEach(() => {
      clear();
      for (const key of keys) if (saved[key] !== undefined) process.env[key] = saved[key];
    });

    it("flag > environment > config file > default, and config satisfies a required option", async () => {
      const config = write("tree.json", { rpc: "http://file:1", deployment: "d.json" });
      const seen: { opts?: Record<string, unknown> } = {};
      await program(seen).parseAsync(["gov", "status", "--config", config], { from: "user" });
      expect(seen.opts).to.deep.include({ rpc: "http://file:1", deployment: join(dir, "d.json") });

      process.env["PORTFOLIO_RPC"] = "http://env:1";
      await program(seen).parseAsync(["gov", "status", "--config", config], { from: "user" });
      expect(seen.opts?.["rpc"]).to.equal("http://env:1");

      await program(seen).parseAsync(["--config", config, "gov", "status", "--rpc", "http://flag:1"], {
        from: "user",
      });
      expect(seen.opts?.["rpc"]).to.equal("http://flag:1");

      Reflect.deleteProperty(process.env, "PORTFOLIO_RPC");
      await program(seen).parseAsync(["gov", "status", "--rpc", "http://flag:1"], { from: "user" });
      expect(seen.opts?.["deployment"]).to.equal("deployments/localhost.json");
    });

    it("a configured deployment yields to contract addresses given as flags", async () => {
      process.env["PORTFOLIO_DEPLOYMENT"] = "env.json";
      const seen: { opts?: Record<string, unknown> } = {};
      await program(seen).parseAsync(["gov", "status", "--rpc", "http://x:1"], { from: "user" });
      expect(seen.opts?.["deployment"]).to.equal("env.json");
      await program(seen).parseAsync(["gov", "status", "--rpc", "http://x:1", "--registry", "0x1"], { from: "user" });
      expect(seen.opts?.["deployment"]).to.equal(undefined);
    });

    it("a bad config file fails the command before its action runs", async () => {
      const config = write("broken.json", "{");
      const seen: { opts?: Record<string, unknown> } = {};
      let error: unknown;
      try {
        await program(seen).parseAsync(["gov", "status", "--rpc", "http://x:1", "--config", config], { from: "user" });
      } catch (e) {
        error = e;
      }
      expect((error as InputError).code).to.equal("CONFIG_MALFORMED");
      expect(seen.opts).to.equal(undefined);
    });
  });
});
