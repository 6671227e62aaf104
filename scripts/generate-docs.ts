// `npm run generate:docs`: rewrites docs/audit-events.md from the build artifacts (run `npm run
// build` first). Commit the result with the contract change that caused it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AUDIT_EVENTS_DOC, formatAuditEventsDoc } from "./auditEventsDoc.ts";

const root = join(import.meta.dirname, "..");
writeFileSync(join(root, AUDIT_EVENTS_DOC), await formatAuditEventsDoc(root));
process.stdout.write(`wrote ${AUDIT_EVENTS_DOC}\n`);
