#!/usr/bin/env node
/**
 * `node dist/engine/cli.js up|preview|refresh|destroy --cwd DIR --stack NAME --state FILE [--config-file FILE]`
 */
import { ENGINE_COMMANDS, runEngine, type EngineCommand } from "./index";

const USAGE = "usage: cps-local-engine up|preview|refresh|destroy --cwd DIR --stack NAME --state FILE [--config-file Pulumi.<stack>.yaml]   (in a clone: node dist/engine/cli.js …)";

function parse(argv: string[]): { command: EngineCommand; flags: Map<string, string> } {
  const [command, ...rest] = argv;
  const known = ENGINE_COMMANDS.find((c) => c === command);
  if (!known) throw new Error(`unknown command ${command ?? "(none)"}\n${USAGE}`);
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !["cwd", "stack", "state", "config-file"].includes(match[1]!)) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    const value = match[2] ?? rest[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value\n${USAGE}`);
    flags.set(match[1]!, value);
  }
  return { command: known, flags };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const { command, flags } = parsed;
  const stack = flags.get("stack") ?? "dev";
  const configFile = flags.get("config-file");
  const result = await runEngine({
    command,
    cwd: flags.get("cwd") ?? process.cwd(),
    stack,
    stateFile: flags.get("state") ?? `.pulumi-local/${stack}.json`,
    ...(configFile ? { configFile } : {}),
  });
  return result.exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
