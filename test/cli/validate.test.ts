import { expect } from "chai";
import { InputError } from "../../src/errors.ts";
import { checkAll } from "../../src/cli/validate.ts";

const fail = (code: string, field: string) => (): never => {
  throw new InputError(code, `bad ${field}`, field);
};

describe("cli: checkAll", () => {
  it("returns every value when every check passes", () => {
    expect(
      checkAll(
        () => 1,
        () => "a",
      ),
    ).to.deep.equal([1, "a"]);
  });

  it("rethrows a single failure as it is", () => {
    const error = new InputError("PORT_INVALID", "bad", "--port");
    expect(() =>
      checkAll(
        () => 1,
        () => {
          throw error;
        },
      ),
    ).to.throw(error);
  });

  it("lists every failure in one error with the first one's code and field", () => {
    try {
      checkAll(fail("PORT_INVALID", "--port"), () => 2, fail("INTERVAL_INVALID", "--interval"));
      expect.fail("did not throw");
    } catch (error) {
      expect(error).to.be.instanceOf(InputError);
      const e = error as InputError;
      expect([e.code, e.path]).to.deep.equal(["PORT_INVALID", "--port"]);
      expect(e.message).to.equal("--port: bad --port; --interval: bad --interval (2 problems)");
    }
  });

  it("rethrows an error that is not bad input at once", () => {
    const bug = new TypeError("bug");
    expect(() =>
      checkAll(fail("X", "--x"), () => {
        throw bug;
      }),
    ).to.throw(bug);
  });
});
