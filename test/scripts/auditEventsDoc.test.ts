import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  AUDIT_EVENTS_DOC,
  AUDITED_CONTRACTS,
  artifactEvents,
  formatAuditEventsDoc,
} from "../../scripts/auditEventsDoc.ts";

const root = join(import.meta.dirname, "../..");

function solidityFiles(path: string): string[] {
  const full = join(root, path);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full)
    .filter((f) => f.endsWith(".sol"))
    .map((f) => join(full, f));
}

/** The events a contract's sources pass by selector to `_recordAudit` or `_emitAllowed`. */
function chainedInSource(sources: readonly string[], events: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  for (const file of sources.flatMap(solidityFiles)) {
    for (const m of readFileSync(file, "utf8").matchAll(/\b(\w+)\.selector\b/g)) {
      const name = m[1] ?? "";
      if (events.has(name)) found.add(name);
    }
  }
  return found;
}

describe("scripts/auditEventsDoc", function () {
  it(`${AUDIT_EVENTS_DOC} is what the compiled contracts declare (run \`npm run generate:docs\`)`, async function () {
    const committed = readFileSync(join(root, AUDIT_EVENTS_DOC), "utf8");
    expect(committed === (await formatAuditEventsDoc(root)), `${AUDIT_EVENTS_DOC} has drifted`).to.equal(true);
  });

  for (const contract of AUDITED_CONTRACTS) {
    it(`classifies every event ${contract.name} declares as chained or not, with the reason`, function () {
      const declared = [...artifactEvents(root, contract.artifact).keys()].sort();
      const classified = [...contract.audited, ...Object.keys(contract.notAudited)].sort();
      expect(classified).to.deep.equal(declared);
    });

    it(`lists as chained exactly the events ${contract.name}'s sources chain`, function () {
      const names = new Set(artifactEvents(root, contract.artifact).keys());
      const inSource = chainedInSource(contract.sources, names);
      expect([...inSource].sort()).to.deep.equal([...contract.audited].sort());
    });
  }
});
