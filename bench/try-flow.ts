import { runDvFlow } from "./dv-flow";
void (async () => {
  const which = process.argv[2] === "terraform" ? "terraform" : "ours";
  const r = await runDvFlow(which, process.argv[3] === "faults" ? { seed: 7, errors: { percent: 10, status: 503 }, throttles: { percent: 5 }, resets: { percent: 2 } } : undefined);
  console.log(JSON.stringify(r, null, 1));
})();
