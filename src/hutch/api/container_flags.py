"""The table of the flags of ``run``, ``create`` and ``update`` (see api/flags.py).

Add a flag here, with the field of ``RunOptions`` it fills, and implement
it where that field is read: the typer parameter, the options object, the
completion and the man page check all follow from this entry. The order is
the order of ``--help``.
"""

from __future__ import annotations

from hutch.api.capnames import CAPABILITY_WORDS
from hutch.api.flags import (
    CREATE,
    PULL_POLICIES,
    RETRY,
    RETRY_DELAY,
    RUN,
    RUN_CREATE_UPDATE,
    Flag,
    networks,
    number,
    or_empty,
    pull_policy,
    repeated,
    switch,
    systemd_mode,
    text,
    unsigned,
    unsigned_or_none,
)

# The positional arguments of run/create fill these fields (not flags).
ARGUMENT_FIELDS = ("image", "command")
# Fields the CLI fills from its own command line (for generate systemd --new).
RECORDED_FIELDS = ("create_command",)
# Fields only another front end fills: kube play's httpGet/tcpSocket probe target.
FRONT_END_FIELDS = ("lifecycle.health.probe",)
# Fields the engine fills from containers.conf (engine/conf_defaults.py), no flag's.
CONFIG_FIELDS = ("env_defaults", "security.default_capabilities")

FLAGS: tuple[Flag, ...] = (
    # The container itself.
    switch("--rm", "remove", "Remove the container when it exits."),
    switch(
        "--rmi",
        "remove_image",
        "Remove the image after the container exits, unless another container uses it "
        "(implies --rm).",
        commands=RUN,
    ),
    switch(
        "--rootfs",
        "rootfs",
        "The first argument is a root filesystem directory (PATH, or PATH:O for an overlay "
        "that keeps it unchanged), not an image.",
    ),
    switch(
        "--interactive",
        "interactive",
        "Keep stdin open and pass it to the container.",
        aliases=("-i",),
    ),
    switch("--tty", "tty", "Allocate a pseudo-terminal.", aliases=("-t",)),
    repeated(
        "--attach",
        "attach",
        "Streams an attached run relays: stdin, stdout, stderr (default: all).",
        aliases=("-a",),
        values=("stdin", "stdout", "stderr"),
    ),
    switch(
        "--detach",
        "detach",
        "Run in the background and print the container id.",
        aliases=("-d",),
        commands=RUN,
    ),
    repeated(
        "--env",
        "env",
        "Set an environment variable (NAME=VALUE, or NAME to copy).",
        aliases=("-e",),
    ),
    repeated("--env-file", "env_files", "Read environment variables from a file.", values="file"),
    switch(
        "--env-host",
        "env_host",
        "Start from hutch's own environment (then the flags).",
        default=None,
    ),
    switch(
        "--http-proxy",
        "http_proxy",
        "Pass hutch's http_proxy, https_proxy, ftp_proxy and no_proxy (either case) into "
        "the container (default true; =false: not).",
        default=None,
    ),
    repeated(
        "--env-merge",
        "env_merge",
        "Set a variable from the others: NAME=VALUE with ${VAR} expanded (PATH=/x:${PATH}).",
    ),
    repeated(
        "--unsetenv",
        "unsetenv",
        "Drop a variable the image or hutch sets by default (not one of -e).",
    ),
    switch(
        "--unsetenv-all",
        "unsetenv_all",
        "Drop every variable the image or hutch sets by default (not those of -e).",
    ),
    text("--workdir", "workdir", "Working directory inside the container.", aliases=("-w",)),
    text("--user", "user", "User (name or uid, optionally :group) to run as.", aliases=("-u",)),
    text("--entrypoint", "entrypoint", "Override the image's entrypoint (string or JSON array)."),
    text("--hostname", "hostname", "Container host name.", aliases=("-h",)),
    text(
        "--domainname",
        "domainname",
        "Container domain name (in a private UTS namespace, the default).",
    ),
    text("--name", "name", "Name of the container."),
    Flag(
        "--network",
        "network",
        "Network: private (default), slirp4netns, pasta, none, host, container:NAME, ns:PATH "
        "or NET[:OPTIONS] (alias=, ip=, ip6=, mac=, interface_name=), repeatable.",
        "list",
        aliases=("--net",),
        values="network",
        parse=networks,
    ),
    text("--pod", "pod", "Join a pod (NAME or ID), or create it first: new:NAME.", values="pod"),
    text(
        "--init-ctr",
        "init_ctr",
        "With --pod: an init container of the pod, run before its others at each pod "
        "start (always) or at the first only, then removed (once).",
        commands=CREATE,
        values=("always", "once"),
    ),
    text(
        "--pod-id-file",
        "pod_id_file",
        "Join the pod whose id this file holds (pod create --pod-id-file writes one).",
        values="file",
    ),
    text(
        "--restart",
        "restart",
        "Restart policy: no (never), always, unless-stopped, on-failure[:N].",
        default="",
        values=("no", "always", "unless-stopped", "on-failure"),
    ),
    repeated("--label", "labels", "Set a label (KEY=VALUE) on the container.", aliases=("-l",)),
    repeated(
        "--label-file",
        "label_files",
        "Read labels from a file (KEY=VALUE lines, # comments).",
        values="file",
    ),
    repeated("--annotation", "annotations", "Add an annotation (KEY=VALUE) to the container."),
    text("--umask", "umask", "The umask of the container's process (default 0022)."),
    text(
        "--stop-signal",
        "stop_signal",
        "Signal that stops the container (default: image's, or SIGTERM).",
    ),
    number(
        "--stop-timeout",
        "stop_timeout",
        "Seconds to wait after the stop signal before SIGKILL.",
        unsigned=True,
    ),
    text("--cidfile", "cidfile", "Write the container id to this file."),
    text(
        "--pidfile",
        "pidfile",
        "Write the container's init pid to this file at each start.",
        values="file",
    ),
    text(
        "--conmon-pidfile",
        "conmon_pidfile",
        "Write the pid of the container's monitor (podman's conmon) to this file at each start.",
        values="file",
    ),
    Flag(
        "--preserve-fds",
        "preserve_fds",
        "Pass N more descriptors (3 to 3+N-1) to the container's command; with none, "
        "systemd's LISTEN_FDS ones (socket activation).",
        "str",
        commands=RUN,
        parse=unsigned,
    ),
    repeated(
        "--requires",
        "requires",
        "Containers (NAME[,NAME...]) started before this one whenever it starts.",
        values="container",
    ),
    text(
        "--tz",
        "timezone",
        "Time zone of the container: local (the host's) or a zone like Europe/Paris.",
    ),
    switch(
        "--replace", "replace", "Remove a container of the same --name first (a restarted service)."
    ),
    text(
        "--sdnotify",
        "sdnotify",
        "Under systemd (NOTIFY_SOCKET): conmon says READY=1 once the container runs; "
        "container passes the socket in and relays the container's own READY=1; "
        "healthy once its health check first passes; ignore says nothing.",
        default="conmon",
    ),
    # Network (NetworkOptions).
    repeated(
        "--publish",
        "net.publish",
        "Publish a port: [IP:][HOSTPORT:]CTRPORT[/tcp|/udp]; ranges; no HOSTPORT: random.",
        aliases=("-p",),
    ),
    switch(
        "--publish-all",
        "net.publish_all",
        "Publish every exposed port on a random host port.",
        aliases=("-P",),
    ),
    repeated(
        "--expose",
        "net.expose",
        "Expose a port or range: PORT[-END][/tcp|/udp] (published by -P; shown in inspect).",
    ),
    repeated("--network-alias", "net.aliases", "Another name of the container on its networks."),
    text("--ip", "net.ip", "IPv4 address on a user-defined network."),
    text("--ip6", "net.ip6", "IPv6 address on a dual-stack user-defined network."),
    text("--mac-address", "net.mac_address", "MAC address on a user-defined network."),
    repeated("--add-host", "net.add_hosts", "Add HOST:IP to /etc/hosts (IP may be host-gateway)."),
    repeated("--dns", "net.dns", "DNS server for the container."),
    repeated("--dns-search", "net.dns_search", "DNS search domain ('.' for none)."),
    repeated("--dns-option", "net.dns_options", "Option for resolv.conf (e.g. ndots:2)."),
    switch(
        "--no-hosts",
        "net.no_hosts",
        "Do not write /etc/hosts; keep the image's.",
        default=None,
    ),
    switch("--no-hostname", "net.no_hostname", "Do not write /etc/hostname; keep the image's."),
    repeated(
        "--chrootdirs",
        "net.chrootdirs",
        "Chroot directories (DIR[,DIR]) that get the container's /etc/hosts and resolv.conf too.",
    ),
    # Security (SecurityOptions).
    repeated(
        "--cap-add",
        "security.cap_add",
        "Add Linux capabilities (NAME, CAP_NAME or ALL).",
        values=CAPABILITY_WORDS,
    ),
    repeated(
        "--cap-drop",
        "security.cap_drop",
        "Drop Linux capabilities (NAME, CAP_NAME or ALL).",
        values=CAPABILITY_WORDS,
    ),
    switch(
        "--privileged",
        "security.privileged",
        "All capabilities of the user namespace, no seccomp, no masked paths, host devices.",
        default=None,
    ),
    repeated(
        "--security-opt",
        "security.security_opt",
        "seccomp=unconfined|PROFILE.json, no-new-privileges, mask=PATHS, unmask=ALL|PATHS, "
        "label=disable.",
    ),
    switch(
        "--read-only",
        "security.read_only",
        "Mount the container's root filesystem read-only.",
        default=None,
    ),
    switch(
        "--read-only-tmpfs",
        "security.read_only_tmpfs",
        "With --read-only, mount tmpfs on /tmp, /var/tmp and /run (=false: not).",
        default=True,
    ),
    repeated("--sysctl", "security.sysctl", "Set a namespaced kernel parameter (NAME=VALUE)."),
    repeated(
        "--ulimit",
        "security.ulimit",
        "Set a resource limit (NAME=SOFT[:HARD], e.g. nofile=1024:2048).",
    ),
    repeated("--device", "security.device", "Add a host device: HOST[:CONTAINER][:PERMISSIONS]."),
    repeated(
        "--device-cgroup-rule",
        "security.device_cgroup_rules",
        "A device cgroup rule ('c 1:3 rwm'): refused, rootless (as podman).",
    ),
    text(
        "--seccomp-policy",
        "security.seccomp_policy",
        "default, or image: the seccomp profile of the image's label "
        "io.containers.seccomp.profile.",
        default="default",
        values=("default", "image"),
    ),
    repeated(
        "--group-add",
        "security.group_add",
        "Add a supplementary group (name, number or keep-groups).",
    ),
    text(
        "--userns",
        "security.userns",
        "User namespace: host (the session), keep-id[:uid=,gid=], nomap, auto[:size=].",
        values=("auto", "host", "keep-id", "nomap"),
    ),
    repeated("--uidmap", "security.uidmap", "Map container uids: CONTAINER:HOST:SIZE."),
    repeated("--gidmap", "security.gidmap", "Map container gids: CONTAINER:HOST:SIZE."),
    text("--subuidname", "security.subuidname", "Map uids from this /etc/subuid entry."),
    text("--subgidname", "security.subgidname", "Map gids from this /etc/subgid entry."),
    # Init, health check, attach (LifecycleOptions).
    switch(
        "--init",
        "lifecycle.init",
        "Run an init as PID 1 that forwards signals and reaps zombies.",
        default=None,
    ),
    text(
        "--init-path",
        "lifecycle.init_path",
        "With --init: this init binary (mounted at /run/podman-init) instead of hutch's own.",
        values="file",
    ),
    text(
        "--timeout",
        "lifecycle.timeout",
        "Seconds the container may run before it is killed (SIGKILL; 0: no limit).",
        parse=unsigned,
    ),
    text(
        "--health-cmd",
        "lifecycle.health.cmd",
        "Health check command (shell form, or a JSON array for exec form).",
    ),
    text(
        "--health-interval",
        "lifecycle.health.interval",
        "Time between health checks (Go duration, 30s).",
    ),
    text(
        "--health-timeout",
        "lifecycle.health.timeout",
        "Time a health check may take (Go duration, 30s).",
    ),
    number(
        "--health-retries",
        "lifecycle.health.retries",
        "Failures in a row that make it unhealthy (3).",
        unsigned=True,
    ),
    text(
        "--health-start-period",
        "lifecycle.health.start_period",
        "Start-up time during which failures do not count (Go duration, 0s).",
    ),
    switch(
        "--no-healthcheck",
        "lifecycle.health.disabled",
        "Disable any health check (the image's too).",
    ),
    text(
        "--health-startup-cmd",
        "lifecycle.health.startup_cmd",
        "Startup check: runs before the health check, which begins once it passes.",
    ),
    text(
        "--health-startup-interval",
        "lifecycle.health.startup_interval",
        "Time between startup checks (Go duration, 30s).",
    ),
    number(
        "--health-startup-retries",
        "lifecycle.health.startup_retries",
        "Startup check failures that restart the container (0: never).",
        unsigned=True,
    ),
    number(
        "--health-startup-success",
        "lifecycle.health.startup_success",
        "Startup check passes needed before the health check begins (0: one).",
        unsigned=True,
    ),
    text(
        "--health-startup-timeout",
        "lifecycle.health.startup_timeout",
        "Time a startup check may take (Go duration, 30s).",
    ),
    text(
        "--health-on-failure",
        "lifecycle.health.on_failure",
        "What the monitor does when the container turns unhealthy: none, kill, restart, stop.",
        default="none",
        values=("none", "kill", "restart", "stop"),
    ),
    text(
        "--detach-keys",
        "lifecycle.detach_keys",
        'Key sequence that detaches from the container (default ctrl-p,ctrl-q; "" none).',
    ),
    switch(
        "--sig-proxy",
        "lifecycle.sig_proxy",
        "Forward the signals hutch receives to the container (attached runs).",
        default=True,
        negatable=True,
    ),
    text(
        "--systemd",
        "lifecycle.systemd",
        "Systemd mode (tmpfs on /run, /run/lock, /tmp, /var/log/journal; stop signal "
        "SIGRTMIN+3): true (when the command is an init), false, always.",
        default="true",
        values=("true", "false", "always"),
        parse=systemd_mode,
    ),
    # Mounts (VolumeOptions).
    repeated(
        "--volume",
        "volumes.volumes",
        "Mount a volume or host path: [SOURCE:]DEST[:OPTIONS] (ro, rw, U, z, Z, noexec, "
        "nosuid, nodev, rbind, bind, nocopy, propagation).",
        aliases=("-v",),
    ),
    repeated(
        "--mount",
        "volumes.mounts",
        "Attach a mount: type=bind|volume|tmpfs|devpts|image,src=...,dst=...[,ro][,...].",
    ),
    repeated(
        "--tmpfs", "volumes.tmpfs", "Mount a tmpfs: DEST[:OPTIONS] (size=, mode=, ro, exec...)."
    ),
    text(
        "--image-volume",
        "volumes.image_volume",
        "What the image's VOLUMEs get: bind (an anonymous volume), tmpfs or ignore.",
        values=("bind", "tmpfs", "ignore"),
    ),
    repeated(
        "--volumes-from",
        "volumes.volumes_from",
        "Mount the volumes of another container: CONTAINER[:ro|rw].",
        values="container",
    ),
    repeated(
        "--secret",
        "secrets",
        "Give the container a secret: NAME[,type=mount|env][,target=PATH|VAR][,uid=,gid=,mode=] "
        "(a file in /run/secrets by default).",
        values="secret",
    ),
    # Pulling the image (ImagePullOptions).
    text(
        "--pull",
        "pull.policy",
        "Pull the image: missing (default), always, never, newer.",
        values=PULL_POLICIES,
        parse=pull_policy,
    ),
    text("--platform", "pull.platform", "Platform OS/ARCH[/VARIANT] of the image to pull."),
    text("--arch", "pull.arch", "Architecture of the image to pull."),
    text("--os", "pull.os", "Operating system of the image to pull."),
    text("--variant", "pull.variant", "Architecture variant of the image to pull."),
    switch("--quiet", "pull.quiet", "Print no progress while pulling the image.", aliases=("-q",)),
    switch(
        "--tls-verify",
        "pull.tls_verify",
        "Pulling: require HTTPS and verify certificates (default: true, unless "
        "registries.conf marks the registry insecure).",
        default=None,
        negatable=True,
    ),
    switch(
        "--disable-content-trust",
        "disable_content_trust",
        "Accepted for Docker's command lines; a no-op, as in podman.",
    ),
    text(
        "--authfile",
        "pull.authfile",
        "Pulling: the authentication file (auth.json).",
        values="file",
    ),
    text(
        "--cert-dir",
        "pull.cert_dir",
        "Pulling: directory with CA and client certificates for the registry.",
        values="dir",
    ),
    text("--creds", "pull.creds", "Pulling: credentials USERNAME[:PASSWORD] for the registry."),
    RETRY,
    RETRY_DELAY,
    # Resource limits (ResourceOptions); update changes them later.
    text(
        "--memory",
        "resources.memory",
        "Memory limit (e.g. 64m, 1g); memory.max.",
        aliases=("-m",),
        commands=RUN_CREATE_UPDATE,
    ),
    text(
        "--memory-reservation",
        "resources.memory_reservation",
        "Memory soft limit (memory.low).",
        commands=RUN_CREATE_UPDATE,
    ),
    text(
        "--memory-swap",
        "resources.memory_swap",
        "Memory plus swap limit (-1: unlimited swap); needs --memory.",
        commands=RUN_CREATE_UPDATE,
    ),
    number(
        "--memory-swappiness",
        "resources.memory_swappiness",
        "0 to 100; checked, then ignored with a warning: it needs cgroup v1 and root.",
        commands=RUN_CREATE_UPDATE,
    ),
    switch(
        "--oom-kill-disable",
        "oom_kill_disable",
        "Accepted and ignored with a warning: it needs cgroup v1 and root.",
    ),
    text(
        "--cpus",
        "resources.cpus",
        "Number of CPUs (e.g. 0.5: cpu.max 50000 100000).",
        commands=RUN_CREATE_UPDATE,
    ),
    number(
        "--cpu-shares",
        "resources.cpu_shares",
        "CPU shares (relative weight, 2-262144).",
        aliases=("-c",),
        commands=RUN_CREATE_UPDATE,
        unsigned=True,
    ),
    number(
        "--cpu-weight",
        "resources.cpu_weight",
        "CPU weight (cpu.weight, 1-10000).",
        commands=RUN_CREATE_UPDATE,
    ),
    number(
        "--cpu-quota",
        "resources.cpu_quota",
        "CPU time in microseconds per --cpu-period.",
        commands=RUN_CREATE_UPDATE,
    ),
    number(
        "--cpu-period",
        "resources.cpu_period",
        "CPU period in microseconds (default 100000).",
        commands=RUN_CREATE_UPDATE,
    ),
    Flag(
        "--cpu-rt-period",
        "resources.cpu_rt_period",
        "Accepted and ignored with podman's warning: real-time limits need cgroup v1 and root.",
        "str",
        parse=unsigned_or_none,
        commands=RUN_CREATE_UPDATE,
    ),
    number(
        "--cpu-rt-runtime",
        "resources.cpu_rt_runtime",
        "Accepted and ignored with podman's warning: real-time limits need cgroup v1 and root.",
        commands=RUN_CREATE_UPDATE,
    ),
    text(
        "--cpuset-cpus",
        "resources.cpuset_cpus",
        "CPUs the container may run on (0-3,5).",
        commands=RUN_CREATE_UPDATE,
    ),
    text(
        "--cpuset-mems",
        "resources.cpuset_mems",
        "Memory nodes the container may use (0-1).",
        commands=RUN_CREATE_UPDATE,
    ),
    number(
        "--pids-limit",
        "resources.pids_limit",
        "Maximum number of processes (default 2048; -1: unlimited).",
        commands=RUN_CREATE_UPDATE,
    ),
    number(
        "--blkio-weight",
        "resources.blkio_weight",
        "Block I/O weight (10-1000).",
        commands=RUN_CREATE_UPDATE,
    ),
    repeated(
        "--blkio-weight-device",
        "resources.blkio_weight_device",
        "Block I/O weight of one device (DEVICE:WEIGHT, 10-1000).",
        commands=RUN_CREATE_UPDATE,
    ),
    repeated(
        "--device-read-bps",
        "resources.device_read_bps",
        "Limit reads from a device (DEVICE:RATE, e.g. 1mb).",
        commands=RUN_CREATE_UPDATE,
    ),
    repeated(
        "--device-write-bps",
        "resources.device_write_bps",
        "Limit writes to a device (DEVICE:RATE).",
        commands=RUN_CREATE_UPDATE,
    ),
    repeated(
        "--device-read-iops",
        "resources.device_read_iops",
        "Limit read operations per second (DEVICE:N).",
        commands=RUN_CREATE_UPDATE,
    ),
    repeated(
        "--device-write-iops",
        "resources.device_write_iops",
        "Limit write operations per second (DEVICE:N).",
        commands=RUN_CREATE_UPDATE,
    ),
    text(
        "--kernel-memory",
        "kernel_memory",
        "Accepted for compatibility, with podman's warning: kernel memory limits are gone.",
    ),
    text(
        "--cgroups",
        "resources.cgroups",
        "enabled, disabled (no cgroup: limits only warn), no-conmon or split.",
    ),
    text(
        "--cgroup-parent",
        "resources.cgroup_parent",
        "Parent cgroup path (inside your delegated cgroup), or a slice with systemd.",
    ),
    repeated(
        "--cgroup-conf",
        "resources.cgroup_conf",
        "Write a cgroup v2 file of the container's cgroup: KEY=VALUE (memory.high=64M).",
    ),
    # Namespaces (NamespaceOptions).
    text(
        "--pid",
        "namespaces.pid",
        "PID namespace: private (default), host, container:NAME, ns:PATH.",
        default="",
        values="namespace",
    ),
    text(
        "--ipc",
        "namespaces.ipc",
        "IPC namespace: private (default), shareable, none (no /dev/shm), host, "
        "container:NAME, ns:PATH.",
        default="",
        values="ipc-namespace",
    ),
    text(
        "--uts",
        "namespaces.uts",
        "UTS namespace: private (default), host, container:NAME, ns:PATH.",
        default="",
        values="namespace",
    ),
    text(
        "--cgroupns",
        "namespaces.cgroupns",
        "Cgroup namespace: private (default), host, container:NAME, ns:PATH.",
        default="",
        values="namespace",
    ),
    # /etc/passwd and /etc/group entries (PasswdOptions).
    switch(
        "--passwd",
        "passwd.add",
        "Add /etc/passwd and /etc/group entries for a --user the image lacks (=false: none).",
        default=True,
        negatable=True,
    ),
    text(
        "--passwd-entry",
        "passwd.entry",
        "Template of the added /etc/passwd entry ($USERNAME $UID $GID $NAME $HOME).",
    ),
    text(
        "--group-entry",
        "passwd.group_entry",
        "Template of the added /etc/group entry ($GROUPNAME $GID $USERLIST).",
    ),
    repeated(
        "--hostuser", "passwd.hostuser", "Copy a host user's entry (name or uid) to /etc/passwd."
    ),
    # The kernel's view of the processes (KernelOptions).
    text("--shm-size", "kernel.shm_size", "Size of /dev/shm (default 64m; 0: no limit)."),
    text(
        "--shm-size-systemd",
        "kernel.shm_size_systemd",
        "Size of the tmpfs mounts of --systemd (/run, /run/lock, /tmp, /var/log/journal).",
    ),
    text(
        "--personality",
        "kernel.personality",
        "Execution domain (personality(2)): LINUX or LINUX32.",
        values=("LINUX", "LINUX32"),
    ),
    number(
        "--oom-score-adj",
        "kernel.oom_score_adj",
        "OOM killer preference, -1000 to 1000 (rootless: not below hutch's own).",
    ),
    # Logging (LogOptions).
    text(
        "--log-driver",
        "log.driver",
        "Where the output goes: k8s-file (default), json-file (Docker's format), none, "
        "or passthrough (the caller's own streams; passthrough-tty: also on a terminal).",
        values=("k8s-file", "json-file", "none", "passthrough", "passthrough-tty"),
        parse=or_empty,
    ),
    repeated(
        "--log-opt",
        "log.opts",
        "Log option KEY=VALUE: max-size=10mb, max-file=N, path=FILE, tag=TEXT (repeatable).",
    ),
)


def flags_of(command: str) -> tuple[Flag, ...]:
    """The flags ``command`` (run, create or update) takes, in the order of its help."""
    return tuple(flag for flag in FLAGS if command in flag.commands)
