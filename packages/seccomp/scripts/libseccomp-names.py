# Prints {arch: {name: nr}} for every architecture this machine's libseccomp
# (libseccomp2) knows, by asking it for the name of every plausible number.
# Used by generate-syscall-tables.mjs: libseccomp knows names of architectures
# gocontainer has no tables for, and a profile may list those (podman's does).
import ctypes
import json
import sys

lib = ctypes.CDLL('libseccomp.so.2')
libc = ctypes.CDLL('libc.so.6')
lib.seccomp_arch_resolve_name.restype = ctypes.c_uint32
lib.seccomp_arch_resolve_name.argtypes = [ctypes.c_char_p]
lib.seccomp_syscall_resolve_num_arch.restype = ctypes.c_void_p
lib.seccomp_syscall_resolve_num_arch.argtypes = [ctypes.c_uint32, ctypes.c_int]

ARCHES = ['x86', 'x86_64', 'x32', 'arm', 'aarch64', 'mips', 'mips64', 'mips64n32', 'mipsel', 'mipsel64',
          'mipsel64n32', 'ppc', 'ppc64', 'ppc64le', 's390', 's390x', 'parisc', 'parisc64', 'riscv64']
# Plain numbers (MIPS ABIs start at 4000, 5000, 6000), ARM private calls, x32.
RANGES = [range(0, 8000), range(0x0f0000, 0x0f0020), range(0x40000000, 0x40000800)]

out = {}
for arch in ARCHES:
    token = lib.seccomp_arch_resolve_name(arch.encode())
    if token == 0:
        continue
    names = {}
    for numbers in RANGES:
        for nr in numbers:
            p = lib.seccomp_syscall_resolve_num_arch(token, nr)
            if p:
                names[ctypes.string_at(p).decode()] = nr
                libc.free(ctypes.c_void_p(p))
    out[arch] = names
json.dump(out, sys.stdout)
