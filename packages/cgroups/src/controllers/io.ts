import type { CgroupDir } from '../cgroup-dir.js';
import { invalid, unsupported } from '../errors.js';
import type { LinuxBlockIO, LinuxResources, LinuxThrottleDevice } from '../resources.js';
import type { IoStats } from '../stats.js';
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

export function ioStatsV1(dir: CgroupDir): IoStats {
  const sum = (file: string) => {
    const out = { Read: 0, Write: 0 };
    for (const line of (dir.readIfExists(file) ?? '').split('\n')) {
      const [, op, value] = line.trim().split(/\s+/);
      if (op === 'Read' || op === 'Write') out[op] += Number(value);
    }
    return out;
  };
  const bytes = sum('blkio.throttle.io_service_bytes_recursive');
  const ops = sum('blkio.throttle.io_serviced_recursive');
  return { readBytes: bytes.Read, writeBytes: bytes.Write, readOps: ops.Read, writeOps: ops.Write };
}

export function ioStatsV2(dir: CgroupDir): IoStats {
  const out: IoStats = { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 };
  for (const line of (dir.readIfExists('io.stat') ?? '').split('\n')) {
    for (const kv of line.trim().split(/\s+/).slice(1)) {
      const [k, v] = kv.split('=');
      const n = Number(v);
      if (k === 'rbytes') out.readBytes += n;
      else if (k === 'wbytes') out.writeBytes += n;
      else if (k === 'rios') out.readOps += n;
      else if (k === 'wios') out.writeOps += n;
    }
  }
  return out;
}
