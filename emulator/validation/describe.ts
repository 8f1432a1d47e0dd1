/** Short, safe renderings of values for failure reasons a user reads. */
export function truncate(value: string, max = 80): string {
  const oneLine = value.replace(/\s+/g, " ");
  return oneLine.length > max ? `${oneLine.slice(0, max)}…(${oneLine.length} chars)` : oneLine;
}

export function quoteList(values: string[]): string {
  return values.map((value) => `"${truncate(value)}"`).join(", ");
}
