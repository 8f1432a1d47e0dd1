import type { Readable } from "node:stream";

/** Calls `onLine` for every complete line of a stream (and the unterminated rest at its end). */
export function splitLines(stream: Readable, onLine: (line: string) => void): void {
  let buffered = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      onLine(buffered.slice(0, newline).replace(/\r$/, ""));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
  });
  stream.on("end", () => {
    if (buffered.length > 0) onLine(buffered);
    buffered = "";
  });
}
