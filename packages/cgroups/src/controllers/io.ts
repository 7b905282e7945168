import type { CgroupDir } from '../cgroup-dir.js';
import { invalid, unsupported } from '../errors.js';
import type { LinuxBlockIO, LinuxResources, LinuxThrottleDevice } from '../resources.js';
import type { IoDeviceStats, IoStats } from '../stats.js';
import { type Controller, setFields } from './controller.js';
import { blkioWeightToIoWeight, checkInteger } from './conversions.js';

const F = 'linux.resources.blockIO';

const THROTTLES = [
  ['throttleReadBpsDevice', 'read_bps_device', 'rbps'],
  ['throttleWriteBpsDevice', 'write_bps_device', 'wbps'],
  ['throttleReadIOPSDevice', 'read_iops_device', 'riops'],
  ['throttleWriteIOPSDevice', 'write_iops_device', 'wiops'],
] as const;

function checkWeight(field: string, w: number): void {
  if (!Number.isInteger(w) || w < 10 || w > 1000) throw invalid(field, 'an integer from 10 to 1000', w);
}

function throttles(b: LinuxBlockIO, key: (typeof THROTTLES)[number][0]): LinuxThrottleDevice[] {
  const list = b[key] ?? [];
  list.forEach((d, i) => {
    checkInteger(`${F}.${key}[${i}].major`, d.major, 0);
    checkInteger(`${F}.${key}[${i}].minor`, d.minor, 0);
    checkInteger(`${F}.${key}[${i}].rate`, d.rate, 0);
  });
  return list;
}

function applyV1(dir: CgroupDir, r: LinuxResources): void {
  const b = r.blockIO;
  if (!b) return;
  // blkio.weight is CFQ's; with BFQ the file is blkio.bfq.weight, same range.
  const weightFile = dir.has('blkio.weight') ? 'blkio.weight' : dir.has('blkio.bfq.weight') ? 'blkio.bfq.weight' : '';
  if (b.weight) {
    checkWeight(`${F}.weight`, b.weight);
    if (!weightFile)
      throw unsupported(`${F}.weight`, 'no blkio.weight or blkio.bfq.weight: no proportional I/O scheduler');
    dir.write(weightFile, b.weight, `${F}.weight`);
  }
  if (b.leafWeight) {
    if (!dir.has('blkio.leaf_weight')) throw unsupported(`${F}.leafWeight`, 'no blkio.leaf_weight');
    dir.write('blkio.leaf_weight', b.leafWeight, `${F}.leafWeight`);
  }
  (b.weightDevice ?? []).forEach((d, i) => {
    const field = `${F}.weightDevice[${i}]`;
    if (d.weight) {
      const file = weightFile === 'blkio.bfq.weight' ? 'blkio.bfq.weight' : 'blkio.weight_device';
      if (!weightFile) throw unsupported(field, 'no blkio.weight_device: no proportional I/O scheduler');
      dir.write(file, `${d.major}:${d.minor} ${d.weight}`, field);
    }
    if (d.leafWeight) {
      if (!dir.has('blkio.leaf_weight_device')) throw unsupported(field, 'no blkio.leaf_weight_device');
      dir.write('blkio.leaf_weight_device', `${d.major}:${d.minor} ${d.leafWeight}`, field);
    }
  });
  for (const [key, suffix] of THROTTLES) {
    throttles(b, key).forEach((d, i) => {
      dir.write(`blkio.throttle.${suffix}`, `${d.major}:${d.minor} ${d.rate}`, `${F}.${key}[${i}]`);
    });
  }
}

function applyV2(dir: CgroupDir, r: LinuxResources): void {
  const b = r.blockIO;
  if (!b) return;
  if (b.leafWeight) throw unsupported(`${F}.leafWeight`, 'cgroup v2 has no leaf weight');
  // BFQ takes the v1 range as it is; io.weight needs the 1..10000 scale.
  const bfq = dir.has('io.bfq.weight');
  if (b.weight) {
    checkWeight(`${F}.weight`, b.weight);
    if (bfq) dir.write('io.bfq.weight', b.weight, `${F}.weight`);
    else if (dir.has('io.weight')) dir.write('io.weight', `default ${blkioWeightToIoWeight(b.weight)}`, `${F}.weight`);
    else throw unsupported(`${F}.weight`, 'no io.weight or io.bfq.weight: no proportional I/O scheduler');
  }
  (b.weightDevice ?? []).forEach((d, i) => {
    const field = `${F}.weightDevice[${i}]`;
    if (d.leafWeight) throw unsupported(`${field}.leafWeight`, 'cgroup v2 has no leaf weight');
    if (!d.weight) return;
    checkWeight(`${field}.weight`, d.weight);
    if (bfq) dir.write('io.bfq.weight', `${d.major}:${d.minor} ${d.weight}`, field);
    else if (dir.has('io.weight')) {
      dir.write('io.weight', `${d.major}:${d.minor} ${blkioWeightToIoWeight(d.weight)}`, field);
    } else throw unsupported(field, 'no io.weight or io.bfq.weight: no proportional I/O scheduler');
  });
  for (const [key, , v2key] of THROTTLES) {
    throttles(b, key).forEach((d, i) => {
      // 0 clears a v1 throttle; v2 spells that "max".
      dir.write('io.max', `${d.major}:${d.minor} ${v2key}=${d.rate === 0 ? 'max' : d.rate}`, `${F}.${key}[${i}]`);
    });
  }
}

export const ioController: Controller = {
  v1: 'blkio',
  v2: 'io',
  fields: (r) =>
    setFields('blockIO', r.blockIO).filter((f) => {
      const v = r.blockIO?.[f.split('.').pop() as keyof LinuxBlockIO];
      return !(Array.isArray(v) && v.length === 0);
    }),
  applyV1,
  applyV2,
};

/** One device's counters, made on its first line. */
function deviceOf(devices: Map<string, IoDeviceStats>, key: string): IoDeviceStats | undefined {
  const m = /^(\d+):(\d+)$/.exec(key);
  if (!m) return undefined;
  let d = devices.get(key);
  if (!d) {
    d = { major: Number(m[1]), minor: Number(m[2]), readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 };
    devices.set(key, d);
  }
  return d;
}

function total(devices: Map<string, IoDeviceStats>): IoStats {
  const out: IoStats = { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0, devices: [...devices.values()] };
  for (const d of devices.values()) {
    out.readBytes += d.readBytes;
    out.writeBytes += d.writeBytes;
    out.readOps += d.readOps;
    out.writeOps += d.writeOps;
  }
  return out;
}

export function ioStatsV1(dir: CgroupDir): IoStats {
  const devices = new Map<string, IoDeviceStats>();
  const read = (file: string, read: 'readBytes' | 'readOps', write: 'writeBytes' | 'writeOps') => {
    for (const line of (dir.readIfExists(file) ?? '').split('\n')) {
      // `8:0 Read 4096`; the `Total` line sums what the device lines say.
      const [key, op, value] = line.trim().split(/\s+/);
      const d = key === undefined ? undefined : deviceOf(devices, key);
      if (d && op === 'Read') d[read] += Number(value);
      else if (d && op === 'Write') d[write] += Number(value);
    }
  };
  read('blkio.throttle.io_service_bytes_recursive', 'readBytes', 'writeBytes');
  read('blkio.throttle.io_serviced_recursive', 'readOps', 'writeOps');
  return total(devices);
}

export function ioStatsV2(dir: CgroupDir): IoStats {
  const devices = new Map<string, IoDeviceStats>();
  for (const line of (dir.readIfExists('io.stat') ?? '').split('\n')) {
    const [key, ...pairs] = line.trim().split(/\s+/);
    const d = key === undefined ? undefined : deviceOf(devices, key);
    if (!d) continue;
    for (const kv of pairs) {
      const [k, v] = kv.split('=');
      const n = Number(v);
      if (k === 'rbytes') d.readBytes += n;
      else if (k === 'wbytes') d.writeBytes += n;
      else if (k === 'rios') d.readOps += n;
      else if (k === 'wios') d.writeOps += n;
    }
  }
  return total(devices);
}
