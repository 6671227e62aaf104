// Loaded with the test files (test/cli/config.test.ts imports it): every CLI a test runs, in
// process or spawned, sees no operator settings of the developer's shell and no
// portfolio.config.json left in the work tree (PORTFOLIO_CONFIG set empty means no config file).
// Mocha loads every file before running any test, so this holds for the whole run.
for (const key of ["PORTFOLIO_RPC", "PORTFOLIO_DEPLOYMENT", "PORTFOLIO_BUS"]) Reflect.deleteProperty(process.env, key);
process.env["PORTFOLIO_CONFIG"] = "";
