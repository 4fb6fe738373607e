"""Escape attempts through kernel interfaces: mounts, sysrq, masked paths, keys, devices."""

from __future__ import annotations

from escape_fixtures import fixture_escape_image, fixture_escape_tar, run  # noqa: F401
from harness import Hutch

EPERM = "errno=1"


def test_mount_and_umount_of_the_rootfs_fail(hutch: Hutch, escape_image: str) -> None:
    """Threat: a container remounts or unmounts its root to reach the layers below.

    Without CAP_SYS_ADMIN (and with the seccomp filter, then without it) every
    mount call fails and the root stays mounted and read-only when asked.
    """
    script = (
        "mount -o remount,rw / && echo REMOUNTED; "
        "umount -l / && echo UNMOUNTED; "
        "mount -t tmpfs none /mnt && echo MOUNTED; "
        "touch /x 2>/dev/null && echo WROTE; cat /ESCAPE_MARKER"
    )
    for extra in ((), ("--security-opt", "seccomp=unconfined")):
        result = run(hutch, "--read-only", *extra, escape_image, "sh", "-c", script)
        assert result.stdout == "in\n", (extra, result.stdout, result.stderr)
        assert "Operation not permitted" in result.stderr or "denied" in result.stderr


def test_sysrq_trigger_cannot_be_written(hutch: Hutch, escape_image: str) -> None:
    """Threat: /proc/sysrq-trigger reboots or crashes the host.

    The file may not exist on every kernel: the write must fail either way.
    """
    result = run(
        hutch,
        escape_image,
        "sh",
        "-c",
        "test -e /proc/sysrq-trigger && echo EXISTS; esc open-write /proc/sysrq-trigger",
    )
    assert result.returncode == 1
    # EROFS when it exists (read-only bind), ENOENT otherwise.
    assert result.stdout.strip().splitlines()[-1] in ("errno=30", "errno=2", "errno=13")


def test_masked_paths_read_as_nothing(hutch: Hutch, escape_image: str) -> None:
    """Threat: kernel memory and keys (/proc/kcore, /proc/keys), firmware in /sys.

    Masked files read as empty; masked directories are empty.
    """
    script = (
        "for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do "
        "test -e $f && wc -c < $f; done; ls -A /sys/firmware | wc -l"
    )
    result = run(hutch, escape_image, "sh", "-c", script, check=True)
    assert set(result.stdout.split()) == {"0"}
    unmasked = run(
        hutch, "--security-opt", "unmask=/proc/keys", escape_image, "wc", "-c", "/proc/keys"
    )
    assert unmasked.returncode == 0  # the mask, not the kernel, made it empty


def test_keyctl_denied_by_default_and_allowed_unconfined(hutch: Hutch, escape_image: str) -> None:
    """Threat: the kernel keyring is not namespaced (keys of the host user leak).

    The default seccomp profile denies keyctl/add_key with EPERM; unconfined lets them through.
    """
    assert run(hutch, escape_image, "esc", "keyctl").stdout.strip() == EPERM
    assert run(hutch, escape_image, "esc", "add_key").stdout.strip() == EPERM
    assert run(hutch, "--cap-add", "ALL", escape_image, "esc", "keyctl").stdout.strip() == EPERM
    free = run(hutch, "--security-opt", "seccomp=unconfined", escape_image, "esc", "keyctl")
    assert free.stdout.strip() == "ok", free.stdout + free.stderr


def test_device_nodes_cannot_be_created(hutch: Hutch, escape_image: str) -> None:
    """Threat: a device node (e.g. a disk) created inside gives raw access to host hardware.

    mknod fails without CAP_MKNOD, and still fails with it: a user namespace
    may not create device nodes at all.
    """
    assert run(hutch, escape_image, "esc", "mknod", "/tmp/dev").stdout.strip() == EPERM
    with_cap = run(hutch, "--cap-add", "MKNOD", escape_image, "esc", "mknod", "/tmp/dev")
    assert with_cap.stdout.strip() == EPERM


def test_no_new_privileges_and_seccomp_show_in_status(hutch: Hutch, escape_image: str) -> None:
    """Threat: a filter or flag silently not applied. Seccomp mode 2 and NoNewPrivs are visible."""
    status = run(
        hutch,
        "--security-opt",
        "no-new-privileges",
        escape_image,
        "grep",
        "-E",
        "^(Seccomp|NoNewPrivs):",
        "/proc/self/status",
        check=True,
    ).stdout
    assert "NoNewPrivs:\t1" in status and "Seccomp:\t2" in status
    privileged = run(hutch, "--privileged", escape_image, "grep", "^Seccomp:", "/proc/self/status")
    assert privileged.stdout.strip() == "Seccomp:\t0"
