/**
 * The create journal: the provider's own durable record of an Enrollment create in flight, so that
 * a run killed after the POST can later show which enrollment *this resource* created.
 *
 * Why a local file: CPS stores nothing per enrollment that could carry a marker without changing
 * the certificate or what the user wrote (the enrollment schema has no note or tag field, see
 * https://github.com/akamai/akamai-apis/blob/main/apis/cps/v2/schemas/enrollment.v11.yaml), and
 * the engine's checkpoint records an interrupted create only as a pending operation without an id
 * (https://github.com/pulumi/pulumi/issues/9293). So the
 * provider records it: an intent before the POST and the enrollment id the moment the POST returns,
 * each written with fsync before the next request. The entry is keyed by account, stack and
 * resource name, and removed as soon as the engine has the id (create returned, with or without
 * partial state). See docs/drift-and-import.md "Interrupted creates".
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { z } from "zod";

/** Where the journal lives; `PULUMI_AKAMAI_CPS_JOURNAL_DIR` overrides (tests, CI caches). */
export function journalDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.PULUMI_AKAMAI_CPS_JOURNAL_DIR;
  if (explicit) return explicit;
  const pulumiHome = env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
  return path.join(pulumiHome, "akamai-cps", "create-journal");
}

/** Which resource of which stack on which account: the key of an entry. */
export interface ResourceIdentity {
  /** API host (and account switch key) the resource talks to. */
  account: string;
  /** `organization/project/stack`, as the SDK reports it. */
  stack: string;
  /** The resource's name in the program. */
  name: string;
}

const entrySchema = z.strictObject({
  account: z.string(),
  stack: z.string(),
  name: z.string(),
  contractId: z.string(),
  commonName: z.string(),
  /** When the POST was about to be sent (ISO 8601). */
  postStartedAt: z.string(),
  /** Set the moment the POST returned. */
  enrollmentId: z.number().int().positive().optional(),
});
export type JournalEntry = z.output<typeof entrySchema>;

function fileFor(identity: ResourceIdentity, dir: string): string {
  const key = createHash("sha256").update(JSON.stringify([identity.account, identity.stack, identity.name])).digest("hex").slice(0, 32);
  return path.join(dir, `${key}.json`);
}

/** The entry of this resource, if a create of it was interrupted (an unreadable file counts as none). */
export function readJournal(identity: ResourceIdentity, dir = journalDir()): JournalEntry | undefined {
  let text: string;
  try {
    text = fs.readFileSync(fileFor(identity, dir), "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = entrySchema.safeParse(JSON.parse(text));
    // A hash collision or a hand-edited file must never point at another resource's enrollment.
    if (!parsed.success || parsed.data.account !== identity.account || parsed.data.stack !== identity.stack || parsed.data.name !== identity.name) return undefined;
    return parsed.data;
  } catch {
    return undefined;
  }
}

/** Write (replace) the entry durably: temp file, fsync, rename, fsync of the directory. */
export function writeJournal(entry: JournalEntry, dir = journalDir()): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = fileFor(entry, dir);
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, "w", 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(entry) + "\n");
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  try {
    const dfd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Directories cannot be fsynced on every platform (Windows); the rename is still atomic.
  }
}

export function removeJournal(identity: ResourceIdentity, dir = journalDir()): void {
  try {
    fs.rmSync(fileFor(identity, dir), { force: true });
  } catch {
    // Best effort: a leftover entry is checked against CPS before it is ever used.
  }
}
