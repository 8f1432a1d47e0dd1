import { createClock } from "../../emulator/clock";

const DAY = 24 * 60 * 60 * 1000;

describe("emulator clock", () => {
  it("fires emulator-time timers when advanced past them, not before", async () => {
    const start = new Date("2030-01-01T00:00:00Z");
    const clock = createClock({ start });
    try {
      const fired: string[] = [];
      clock.schedule(new Date(start.getTime() + 7 * DAY), () => fired.push("token expiry"));
      const cancel = clock.schedule(new Date(start.getTime() + 8 * DAY), () => fired.push("cancelled"));
      const slept = clock.sleepUntil(new Date(start.getTime() + 3 * DAY));
      clock.advance(3 * DAY);
      await slept;
      expect(fired).toEqual([]);
      cancel();
      clock.advance(5 * DAY);
      expect(fired).toEqual(["token expiry"]);
      expect(clock.now().getTime()).toBeGreaterThanOrEqual(start.getTime() + 8 * DAY);
    } finally {
      clock.close();
    }
  });

  it("runs scaled: a timer an emulator hour away fires within real milliseconds at scale 1e6", async () => {
    const clock = createClock({ timeScale: 1_000_000 });
    try {
      const target = new Date(clock.now().getTime() + 60 * 60 * 1000);
      await clock.sleepUntil(target);
      expect(clock.now().getTime()).toBeGreaterThanOrEqual(target.getTime());
    } finally {
      clock.close();
    }
  });
});
