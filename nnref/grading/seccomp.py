"""The sandbox's seccomp filter: kernel interfaces that no namespace of the sandbox covers.

bubblewrap (run as root, without a user namespace) gives each sandbox its own PID, IPC,
network, UTS and mount namespaces, but some kernel state is keyed on the uid alone or reaches
past them: the kernel keyrings (a key added by one sandbox outlives it and is read by the next
sandbox given the same uid), new user namespaces (root inside one: mounts and the kernel code
unprivileged root reaches), mounting, tracing, BPF, io_uring, performance counters, kernel
modules. A submission needs none of them. The filter, loaded by bubblewrap (``--seccomp FD``)
just before the runner starts, makes these system calls fail with ``EPERM``; ``clone3`` fails
with ``ENOSYS`` (the C library then uses ``clone``, whose flags can be checked), ``clone`` fails
when asked for a new namespace, and system calls of another ABI (i386 or x32 on x86_64) fail
with ``ENOSYS``.

The filter is classic BPF over ``struct seccomp_data`` (nr, arch, instruction pointer, args),
as ``seccomp_export_bpf`` writes it; numbers are those of the kernel's tables per machine.
"""
from __future__ import annotations

import errno
import platform
import struct

BLOCKED = ("add_key", "request_key", "keyctl", "unshare", "setns", "mount", "umount2",
           "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree",
           "mount_setattr", "ptrace", "bpf", "perf_event_open", "userfaultfd", "io_uring_setup",
           "io_uring_enter", "io_uring_register", "kexec_load", "kexec_file_load",
           "init_module", "finit_module", "delete_module", "open_by_handle_at")
_GENERIC = {"fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "move_mount": 429,
            "open_tree": 428, "mount_setattr": 442, "io_uring_setup": 425,
            "io_uring_enter": 426, "io_uring_register": 427, "clone3": 435}
# machine: (AUDIT_ARCH_*, system call numbers, first number of a foreign ABI or None)
_MACHINES = {
    "x86_64": (0xC000003E, dict(_GENERIC, add_key=248, request_key=249, keyctl=250,
                                unshare=272, setns=308, mount=165, umount2=166, pivot_root=155,
                                ptrace=101, bpf=321, perf_event_open=298, userfaultfd=323,
                                kexec_load=246, kexec_file_load=320, init_module=175,
                                finit_module=313, delete_module=176, open_by_handle_at=304,
                                clone=56), 0x40000000),  # x32 numbers have bit 30 set
    "aarch64": (0xC00000B7, dict(_GENERIC, add_key=217, request_key=218, keyctl=219,
                                 unshare=97, setns=268, mount=40, umount2=39, pivot_root=41,
                                 ptrace=117, bpf=280, perf_event_open=241, userfaultfd=282,
                                 kexec_load=104, kexec_file_load=294, init_module=105,
                                 finit_module=273, delete_module=106, open_by_handle_at=265,
                                 clone=220), None),
}
# CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
# CLONE_NEWNET, CLONE_NEWTIME
NAMESPACE_FLAGS = (0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000
                   | 0x20000000 | 0x40000000 | 0x00000080)

_LD, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06  # BPF_LD|W|ABS, BPF_JMP|*|K, BPF_RET|K
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000                     # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO
_NR, _ARCH, _ARG0 = 0, 4, 16                                 # offsets in struct seccomp_data


def program(machine: str | None = None) -> bytes | None:
    """The compiled filter (``struct sock_filter`` array) for ``machine`` (this one by
    default); None for a machine whose system call numbers are not known here."""
    found = _MACHINES.get(machine or platform.machine())
    if found is None:
        return None
    arch, numbers, foreign = found
    code = [(_LD, 0, 0, _ARCH), (_JEQ, 0, "enosys", arch), (_LD, 0, 0, _NR)]
    if foreign is not None:
        code.append((_JGE, "enosys", 0, foreign))
    code += [(_JEQ, "eperm", 0, numbers[name]) for name in BLOCKED]
    code += [(_JEQ, "enosys", 0, numbers["clone3"]), (_JEQ, 0, "allow", numbers["clone"]),
             (_LD, 0, 0, _ARG0), (_JSET, "eperm", 0, NAMESPACE_FLAGS)]
    labels = {"allow": len(code), "eperm": len(code) + 1, "enosys": len(code) + 2}
    code += [(_RET, 0, 0, _ALLOW), (_RET, 0, 0, _ERRNO | errno.EPERM),
             (_RET, 0, 0, _ERRNO | errno.ENOSYS)]

    def offset(target, index):
        return target if isinstance(target, int) else labels[target] - index - 1

    return b"".join(struct.pack("=HBBI", op, offset(jt, i), offset(jf, i), k)
                    for i, (op, jt, jf, k) in enumerate(code))
