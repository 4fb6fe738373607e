"""The table of the flags of ``pod create`` and ``pod clone`` (see api/flags.py).

podman's pod clone takes pod create's flags (one definition, its
``DefineCreateFlags``), and so does hutch's: a flag both commands take is
declared here once, with the ``PodCreateOptions`` field it fills; ``pod
clone`` puts those values in ``PodCloneOptions.changes`` (api/flagoptions.py)
and the engine lays them over the original pod's options. The typer
parameters (cli/flagparams.py), the completions (cli/completion_tree.py) and
the man page checks (tests/unit/docs) read this table. The order is the
order of ``--help``.

Pure data and the standard library, as api/container_flags.py.
"""

from __future__ import annotations

from hutch.api.flags import Flag, networks, number, or_empty, repeated, switch, text

POD_CREATE = frozenset({"pod create"})
POD_CLONE = frozenset({"pod clone"})
POD_BOTH = POD_CREATE | POD_CLONE

# The positional arguments of pod clone (the pod, the clone's name): not flags.
CLONE_ARGUMENT_FIELDS = ("changes.name",)
# Fields the CLI fills from its own command line (for generate systemd --new).
RECORDED_FIELDS = ("create_command",)

FLAGS: tuple[Flag, ...] = (
    text(
        "--name",
        "name",
        "Name of the pod (a clone's default: POD-clone).",
        aliases=("-n",),
        commands=POD_BOTH,
    ),
    switch(
        "--destroy",
        "destroy",
        "Remove the original pod and its containers once the clone exists.",
        commands=POD_CLONE,
    ),
    switch("--start", "start", "Start the clone.", commands=POD_CLONE),
    repeated(
        "--publish",
        "publish",
        "Publish a port of the pod: [IP:][HOSTPORT:]CTRPORT.",
        aliases=("-p",),
        commands=POD_CREATE,
    ),
    Flag(
        "--network",
        "network",
        "The pod's network: private (default), none, host, or NET[:OPTIONS] (alias=, ip=, "
        "ip6=, mac=, interface_name=), repeatable.",
        "list",
        aliases=("--net",),
        commands=POD_CREATE,
        values="network",
        parse=networks,
    ),
    text(
        "--share",
        "share",
        "Namespaces the members share: cgroup, ipc, net, pid, uts (default "
        "ipc,net,uts; +NS adds to it; none).",
        commands=POD_CREATE,
    ),
    switch(
        "--share-parent",
        "share_parent",
        "Put the members' cgroups below the pod's.",
        default=True,
        commands=POD_CREATE,
    ),
    switch(
        "--infra",
        "infra",
        "Make an infra container (default: yes).",
        default=None,
        negatable=True,
        commands=POD_CREATE,
    ),
    text(
        "--infra-image",
        "infra_image",
        "The infra's image (default: hutch's own, made locally); its command runs unless "
        "--infra-command gives one.",
        commands=POD_CREATE,
    ),
    text(
        "--infra-command",
        "infra_command",
        "The infra's command (default: catatonit -P).",
        commands=POD_BOTH,
    ),
    text(
        "--infra-name",
        "infra_name",
        "Name of the infra container.",
        commands=POD_BOTH,
    ),
    text(
        "--hostname",
        "hostname",
        "Host name of the pod (default: its name; a clone's: the original's).",
        aliases=("-h",),  # podman's infra flags are run's: -h is --hostname, not --help
        commands=POD_BOTH,
    ),
    repeated("--add-host", "add_hosts", "Add HOST:IP to /etc/hosts.", commands=POD_CREATE),
    repeated("--dns", "dns", "DNS server.", commands=POD_CREATE),
    repeated("--dns-search", "dns_search", "DNS search domain of the pod.", commands=POD_CREATE),
    repeated(
        "--dns-option", "dns_options", "Option for the pod's resolv.conf.", commands=POD_CREATE
    ),
    switch(
        "--no-hosts",
        "no_hosts",
        "Do not write /etc/hosts for the pod.",
        default=None,
        commands=POD_CREATE,
    ),
    repeated(
        "--label",
        "labels",
        "Set a label (KEY=VALUE); a clone's are added to the original's.",
        aliases=("-l",),
        commands=POD_BOTH,
    ),
    repeated(
        "--label-file",
        "label_files",
        "Read labels from a file of KEY=VALUE lines (under the --label values).",
        commands=POD_BOTH,
    ),
    text(
        "--exit-policy",
        "exit_policy",
        "continue, or stop: the pod stops after its last member.",
        default="continue",
        commands=POD_CREATE,
    ),
    text(
        "--restart",
        "restart",
        "Restart policy of the members that name none.",
        commands=POD_CREATE,
        values=("no", "always", "unless-stopped", "on-failure"),
        parse=or_empty,
    ),
    repeated(
        "--volume",
        "volumes",
        "Mount a volume in every member (as run -v); a clone's replaces the original's "
        "at its path.",
        aliases=("-v",),
        commands=POD_BOTH,
    ),
    repeated(
        "--volumes-from",
        "volumes_from",
        "Give every member the volumes of this container, CONTAINER[:ro|rw].",
        commands=POD_BOTH,
    ),
    repeated(
        "--device",
        "devices",
        "Add a host device to every member: HOST[:CONTAINER][:PERMISSIONS].",
        commands=POD_BOTH,
    ),
    text(
        "--pid",
        "pid",
        "The pod's pid namespace (with --share +pid): private (default), host, ns:PATH.",
        commands=POD_BOTH,
        default="",
    ),
    text(
        "--uts",
        "uts",
        "The pod's UTS namespace: private (default), host, ns:PATH.",
        commands=POD_BOTH,
        default="",
    ),
    repeated(
        "--sysctl",
        "sysctl",
        "Set a namespaced sysctl of the pod (net.* with net shared, IPC ones with ipc).",
        commands=POD_BOTH,
    ),
    repeated(
        "--security-opt",
        "security_opt",
        "Security option of the infra container (as run's --security-opt).",
        commands=POD_BOTH,
    ),
    text(
        "--infra-conmon-pidfile",
        "infra_conmon_pidfile",
        "Write the pid of the infra's monitor (hutch's conmon) to this file.",
        commands=POD_BOTH,
    ),
    text(
        "--userns",
        "userns",
        "User namespace of the pod (keep-id, auto, nomap; host): the infra's, "
        "joined by every member.",
        commands=POD_BOTH,
    ),
    repeated(
        "--uidmap",
        "uidmap",
        "The pod's user namespace with this uid map, CONTAINER:HOST:SIZE "
        "(repeatable): every member joins it.",
        commands=POD_BOTH,
    ),
    repeated(
        "--gidmap",
        "gidmap",
        "The gid map of the pod's user namespace, CONTAINER:HOST:SIZE.",
        commands=POD_BOTH,
    ),
    text(
        "--subuidname",
        "subuidname",
        "Map the pod's uids from this /etc/subuid entry.",
        commands=POD_BOTH,
    ),
    text(
        "--subgidname",
        "subgidname",
        "Map the pod's gids from this /etc/subgid entry.",
        commands=POD_BOTH,
    ),
    text(
        "--shm-size",
        "shm_size",
        "Size of the pod's /dev/shm, which members sharing ipc share (default 64m).",
        commands=POD_BOTH,
    ),
    text(
        "--memory",
        "resources.memory",
        "Memory limit of the whole pod.",
        aliases=("-m",),
        commands=POD_BOTH,
    ),
    text(
        "--memory-swap",
        "resources.memory_swap",
        "Memory plus swap limit of the pod (-1: unlimited swap).",
        commands=POD_BOTH,
    ),
    text("--cpus", "resources.cpus", "CPUs of the whole pod (e.g. 1.5).", commands=POD_BOTH),
    number(
        "--cpu-shares",
        "resources.cpu_shares",
        "CPU shares of the pod (relative weight).",
        aliases=("-c",),
        commands=POD_BOTH,
        unsigned=True,
    ),
    text(
        "--cgroup-parent",
        "resources.cgroup_parent",
        "Make the pod's cgroup below this one (an absolute path, or a slice).",
        commands=POD_BOTH,
    ),
    text(
        "--cpuset-cpus",
        "resources.cpuset_cpus",
        "CPUs the pod may run on (0-3,5).",
        commands=POD_BOTH,
    ),
    text(
        "--cpuset-mems",
        "resources.cpuset_mems",
        "Memory nodes the pod may use (0-1).",
        commands=POD_BOTH,
    ),
    number(
        "--blkio-weight",
        "resources.blkio_weight",
        "Block I/O weight of the pod (10-1000).",
        commands=POD_BOTH,
    ),
    repeated(
        "--blkio-weight-device",
        "resources.blkio_weight_device",
        "Block I/O weight of the pod on one device (DEVICE:WEIGHT, 10-1000).",
        commands=POD_BOTH,
    ),
    repeated(
        "--device-read-bps",
        "resources.device_read_bps",
        "Limit the pod's reads from a device (DEVICE:RATE).",
        commands=POD_BOTH,
    ),
    repeated(
        "--device-write-bps",
        "resources.device_write_bps",
        "Limit the pod's writes to a device (DEVICE:RATE).",
        commands=POD_BOTH,
    ),
    text("--ip", "ip", "The pod's IPv4 address on its network.", commands=POD_CREATE),
    text("--ip6", "ip6", "The pod's IPv6 address on its network.", commands=POD_CREATE),
    text(
        "--mac-address",
        "mac_address",
        "The pod's MAC address on its (first) network.",
        commands=POD_CREATE,
    ),
    repeated(
        "--network-alias",
        "network_aliases",
        "Another name of the pod on its network.",
        commands=POD_CREATE,
    ),
    switch("--replace", "replace", "Remove a pod of the same --name first.", commands=POD_CREATE),
)


def flags_of(command: str) -> tuple[Flag, ...]:
    """The flags of ``command`` ("pod create" or "pod clone"), in the order of its help."""
    return tuple(flag for flag in FLAGS if command in flag.commands)
