/** Discord's epoch (2015-01-01T00:00:00Z); snowflakes count milliseconds from it. */
const DISCORD_EPOCH = 1_420_070_400_000n;

let increment = 0n;

/**
 * A fresh Discord-style snowflake: timestamp in the top 42 bits, then worker,
 * process and a counter, so discord.js derives a real creation time from it.
 */
export function nextSnowflake(atMs: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(atMs) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

/** Milliseconds since epoch encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
