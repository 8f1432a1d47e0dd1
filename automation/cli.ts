/**
 * `node dist/automation/cli.js up|preview|refresh|destroy --program DIR --work-dir DIR --stack NAME
 *   [--cli-root DIR] [--clear-pending-creates] [--expect-no-changes]`
 *
 * One Pulumi CLI command of a program directory, through the Automation API (see run.ts). A child
 * process of its own, so that a test can `kill -9` it together with the `pulumi` process and the
 * plugins it started, as a user's terminal loses them. The CLI's environment (PULUMI_HOME,
 * PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, …) is this process's.
 */
import { runWithPulumiCli, type CliCommand } from "./run";

const COMMANDS: readonly CliCommand[] = ["up", "preview", "refresh", "destroy"];
const USAGE = "usage: cli.js up|preview|refresh|destroy --program DIR --work-dir DIR --stack NAME [--cli-root DIR] [--clear-pending-creates] [--expect-no-changes]";

function parse(argv: string[]): Parameters<typeof runWithPulumiCli>[0] | undefined {
  const [command, ...rest] = argv;
  if (!COMMANDS.includes(command as CliCommand)) return undefined;
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--clear-pending-creates" || arg === "--expect-no-changes") flags.add(arg);
    else if (["--program", "--work-dir", "--stack", "--cli-root"].includes(arg) && rest[i + 1] !== undefined) values.set(arg, rest[++i]!);
    else return undefined;
  }
  const programDir = values.get("--program");
  const workDir = values.get("--work-dir");
  const stack = values.get("--stack");
  if (!programDir || !workDir || !stack) return undefined;
  const cliRoot = values.get("--cli-root");
  return {
    command: command as CliCommand,
    programDir,
    workDir,
    stack,
    ...(cliRoot ? { cliRoot } : {}),
    ...(flags.has("--clear-pending-creates") ? { clearPendingCreates: true } : {}),
    ...(flags.has("--expect-no-changes") ? { expectNoChanges: true } : {}),
  };
}

const options = parse(process.argv.slice(2));
if (!options) {
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
} else {
  runWithPulumiCli(options).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
