import { randomUUID } from 'node:crypto';
import { statfs } from 'node:fs/promises';
import { arch, cpus, freemem, hostname, loadavg, platform, release, totalmem, type as osType, version as osVersion } from 'node:os';
import type { MethodResult } from '../../../src-shared/protocol/index.js';

/** Identifies this process's run: a client that sees it change knows the gateway restarted. */
const PROCESS_INSTANCE_ID = randomUUID();

/** The disk holding `path`, or nothing where the platform cannot tell. */
async function diskOf(path: string) {
  try {
    const s = await statfs(path);
    return { diskPath: path, diskTotalBytes: s.blocks * s.bsize, diskAvailableBytes: s.bavail * s.bsize };
  } catch {
    return {};
  }
}

/** `system.info`: facts about the host and this process, read when asked. */
export async function readSystemInfo(o: { stateDir: string; port?: number; startedAtMs: number }): Promise<MethodResult<'system.info'>> {
  const mem = process.memoryUsage();
  const cpu = cpus();
  const [l1, l5, l15] = loadavg();
  return {
    machineName: hostname(),
    hostname: hostname(),
    platform: platform(),
    release: release(),
    arch: arch(),
    osLabel: `${osType()} ${release()} (${osVersion()})`,
    ...(o.port !== undefined ? { port: o.port } : {}),
    nodeVersion: process.version,
    pid: process.pid,
    processInstanceId: PROCESS_INSTANCE_ID,
    uptimeMs: Date.now() - o.startedAtMs,
    cpuCount: cpu.length,
    ...(cpu[0]?.model ? { cpuModel: cpu[0].model.trim() } : {}),
    loadAverage: [l1 ?? 0, l5 ?? 0, l15 ?? 0],
    memoryTotalBytes: totalmem(),
    memoryFreeBytes: freemem(),
    processMemory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, heapTotalBytes: mem.heapTotal, externalBytes: mem.external, arrayBuffersBytes: mem.arrayBuffers },
    ...(await diskOf(o.stateDir)),
  };
}
