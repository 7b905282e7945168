import { type FsParamString, GcError } from '@gc/syscall';
import { kernelAtLeast } from './host-probe.js';
import { checkLayers, escapeOverlayPath, type OverlayLayers } from './overlay.js';

/** fsconfig(2) copies at most 256 bytes of a string value, NUL included. */
const FSCONFIG_STRING_MAX = 255;

function fsconfigString(value: string, field: string): string {
  if (Buffer.byteLength(value) > FSCONFIG_STRING_MAX) {
    throw new GcError(
      'EROOTFS_OVERLAY',
      `${field}: ${value.length} bytes is longer than fsconfig takes (${FSCONFIG_STRING_MAX}); use a shorter path`,
    );
  }
  return value;
}

/**
 * The fsconfig strings of an overlay of `layers` on this kernel: one
 * `lowerdir+` per layer (Linux 6.8+; before, one escaped `lowerdir`), then
 * the upper and work dirs, each with its step's label and checked against
 * fsconfig's string size, naming `field` (`root.overlay`) in an error. For
 * the root's overlay in a container's program, and for a detached mount of
 * a stopped container's root (Kernel.mountDetached).
 */
export function overlayFsParams(layers: OverlayLayers, kernelRelease: string, field: string): FsParamString[] {
  checkLayers(layers, field);
  const params: FsParamString[] = [
    { key: 'source', value: 'overlay', label: 'set source=overlay on the root overlay' },
  ];
  if (kernelAtLeast(kernelRelease, 6, 8)) {
    // One layer per `lowerdir+`: fsconfig's 256-byte strings then limit a path, not the layer count.
    // overlayfs takes a `lowerdir+` value as the path itself (no unescaping, unlike upperdir and workdir):
    // escaped, a `:`, `,` or `\` in it would name another directory.
    layers.lower.forEach((layer, i) => {
      params.push({
        key: 'lowerdir+',
        value: fsconfigString(layer, `${field}.lower[${i}]`),
        label: `add the lower layer ${layer} to the root overlay`,
      });
    });
  } else {
    const lower = layers.lower.map(escapeOverlayPath).join(':');
    params.push({
      key: 'lowerdir',
      value: fsconfigString(lower, `${field}.lower`),
      label: 'set the lower layers of the root overlay',
    });
  }
  params.push(
    {
      key: 'upperdir',
      value: fsconfigString(escapeOverlayPath(layers.upper), `${field}.upper`),
      label: `set the upper layer ${layers.upper}`,
    },
    {
      key: 'workdir',
      value: fsconfigString(escapeOverlayPath(layers.work), `${field}.work`),
      label: `set the work dir ${layers.work}`,
    },
  );
  return params;
}
