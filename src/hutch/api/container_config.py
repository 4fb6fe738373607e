"""The configuration of a new container: ``run``/``create`` options and their parts.

Each part groups the flags of one concern (lifecycle, logging, network, pull,
resources, security, volumes); ``RunOptions`` holds them all. Flags are kept
as the user typed them: the engine parses and checks them (``engine/resources.py``,
``hutch.volumes.specs``) and refuses bad ones before anything is created; ``None``
and empty tuples mean "not given".
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Re-exported: the resource flags are a module of their own, which build's options
# (api/build.py) take without the rest of a container's configuration (issue 16).
from hutch.api.resource_options import CGROUP_V1_ONLY as CGROUP_V1_ONLY
from hutch.api.resource_options import ResourceOptions as ResourceOptions

DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q"
DEFAULT_UMASK = "0022"  # podman's (containers.conf), whatever hutch's own umask is


@dataclass(frozen=True)
class HealthOptions:
    """``--health-*`` flags; None leaves the image's value (or the default)."""

    cmd: str | None = None  # a shell command, or a JSON array (CMD form)
    interval: str | None = None  # Go durations
    timeout: str | None = None
    start_period: str | None = None
    retries: int | None = None
    disabled: bool = False  # --no-healthcheck
    on_failure: str = "none"  # --health-on-failure: none, kill, restart, stop
    # --health-startup-*: a check that gates the regular one (None: not given)
    startup_cmd: str | None = None
    startup_interval: str | None = None
    startup_timeout: str | None = None
    startup_retries: int | None = None
    startup_success: int | None = None
    # kube play's httpGet/tcpSocket probe (``http://HOST:PORT/PATH``, ``tcp://HOST:PORT``),
    # run by hutch itself, so the image needs no curl or nc; ``cmd`` keeps podman's
    # command for inspect. No flag sets it.
    probe: str = ""


@dataclass(frozen=True)
class LifecycleOptions:
    init: bool | None = None  # None: no flag (containers.conf's init decides)
    init_path: str | None = None  # --init-path: a host binary run as the init (with --init)
    # --timeout: seconds from each start until the monitor kills the container (0: never)
    timeout: int = 0
    health: HealthOptions = field(default_factory=HealthOptions)
    detach_keys: str | None = None  # None: the default (ctrl-p,ctrl-q)
    sig_proxy: bool = True
    systemd: str = "true"  # --systemd: true (when the command is an init), false, always


@dataclass(frozen=True)
class LogOptions:
    driver: str = ""  # "": the default (k8s-file, podman's for rootless containers)
    opts: tuple[str, ...] = ()  # KEY=VALUE: max-size, max-file, path, tag

    @property
    def passes_streams(self) -> bool:
        """--log-driver passthrough or passthrough-tty: the container's stdin, stdout
        and stderr are those of the command that starts it (runtime/logfile.py's
        PASSTHROUGH_DRIVERS, the monitor's names, below this layer)."""
        return self.driver in ("passthrough", "passthrough-tty")


@dataclass(frozen=True)
class NetworkOptions:
    publish: tuple[str, ...] = ()  # -p [IP:][HOSTPORT:]CTRPORT[/PROTO]
    publish_all: bool = False  # -P: every port the image exposes, on random host ports
    expose: tuple[str, ...] = ()  # PORT[-END][/PROTO]: exposed beside the image's ports
    aliases: tuple[str, ...] = ()
    ip: str | None = None
    ip6: str | None = None  # on a network with an IPv6 subnet
    add_hosts: tuple[str, ...] = ()  # HOST:IP
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_options: tuple[str, ...] = ()
    no_hosts: bool | None = None  # None: no flag (containers.conf's no_hosts decides)
    no_hostname: bool = False  # write no /etc/hostname: keep the image's
    mac_address: str | None = None  # on the first user-defined network
    chrootdirs: tuple[str, ...] = ()  # also get /etc/hosts and /etc/resolv.conf (DIR[,DIR])


@dataclass(frozen=True)
class ImagePullOptions:
    # missing, always, never, newer (podman's --pull); "" (not given): containers.conf's
    # [engine] pull_policy, else missing (engine/conf_defaults.py fills it in)
    policy: str = ""
    platform: str | None = None
    arch: str | None = None
    os: str | None = None
    variant: str | None = None
    quiet: bool = False
    # how to reach the registry (api/images.py RegistryAccess, as pull's flags)
    tls_verify: bool | None = None  # None: verify unless registries.conf says insecure
    authfile: str | None = None
    cert_dir: str | None = None
    creds: str | None = None  # USER[:PASSWORD]
    # --retry and --retry-delay, as api/images.py PullOptions takes them (None: not given)
    retry: int | None = None
    retry_delay: str | None = None


@dataclass(frozen=True)
class SecurityOptions:
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    privileged: bool | None = None  # None: no flag (containers.conf's privileged decides)
    security_opt: tuple[str, ...] = ()  # seccomp=, no-new-privileges, mask=, unmask=, label=
    read_only: bool | None = None  # None: no flag (containers.conf's read_only decides)
    read_only_tmpfs: bool = True
    sysctl: tuple[str, ...] = ()
    ulimit: tuple[str, ...] = ()
    device: tuple[str, ...] = ()
    device_cgroup_rules: tuple[str, ...] = ()  # checked, then refused (rootless)
    # --seccomp-policy: "default", or "image": the profile in the image's label
    # io.containers.seccomp.profile
    seccomp_policy: str = "default"
    group_add: tuple[str, ...] = ()
    userns: str | None = None
    uidmap: tuple[str, ...] = ()
    gidmap: tuple[str, ...] = ()
    subuidname: str | None = None
    subgidname: str | None = None
    # the bounding set before --cap-add/--cap-drop: containers.conf's default_capabilities;
    # None: podman's built-in set (linux/caps.py)
    default_capabilities: tuple[str, ...] | None = None


@dataclass(frozen=True)
class VolumeOptions:
    """``-v``, ``--mount``, ``--tmpfs`` and ``--volumes-from`` of run/create."""

    volumes: tuple[str, ...] = ()
    mounts: tuple[str, ...] = ()
    tmpfs: tuple[str, ...] = ()
    volumes_from: tuple[str, ...] = ()
    # --image-volume: bind, tmpfs or ignore; None: containers.conf's image_volume_mode
    image_volume: str | None = None


@dataclass(frozen=True)
class NamespaceOptions:
    """``--pid``, ``--ipc``, ``--uts``, ``--cgroupns``: "" (the default: a private
    namespace), host, private, container:NAME or ns:PATH; ``--ipc`` also none and
    shareable (podman's words for a private one, without and with /dev/shm)."""

    pid: str = ""
    ipc: str = ""
    uts: str = ""
    cgroupns: str = ""


@dataclass(frozen=True)
class PasswdOptions:
    """``--passwd``, ``--passwd-entry``, ``--group-entry``, ``--hostuser``: the
    entries added to the image's /etc/passwd and /etc/group at start."""

    add: bool = True
    entry: str | None = None
    group_entry: str | None = None
    hostuser: tuple[str, ...] = ()


@dataclass(frozen=True)
class KernelOptions:
    """What the container's processes get from the kernel besides namespaces."""

    shm_size: str | None = None  # /dev/shm's size (podman's default 64m); 0: no limit
    shm_size_systemd: str | None = None  # the tmpfs mounts of --systemd
    personality: str | None = None  # LINUX or LINUX32 (personality(2))
    oom_score_adj: int | None = None  # -1000..1000, never below the caller's own


@dataclass(frozen=True)
class RunOptions:
    image: str  # with ``rootfs``: the root filesystem directory, PATH[:O]
    command: tuple[str, ...] = ()
    remove: bool = False
    remove_image: bool = False  # run --rmi: the image goes after the container (with --rm)
    rootfs: bool = False  # --rootfs: ``image`` is a directory to run on, not an image
    interactive: bool = False
    tty: bool = False
    attach: tuple[str, ...] = ()  # -a stdin|stdout|stderr: the streams relayed; (): all
    env: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    # the caller's environment under env files and -e; None: no flag (containers.conf's
    # env_host decides)
    env_host: bool | None = None
    # the caller's proxy variables (http_proxy, HTTPS_PROXY, ...) where the image and
    # containers.conf leave them; None: no flag (containers.conf's http_proxy, true)
    http_proxy: bool | None = None
    env_defaults: tuple[str, ...] = ()  # containers.conf's [containers] env, under the image's
    env_merge: tuple[str, ...] = ()  # NAME=VALUE, ${VAR} expanded in the final environment
    unsetenv: tuple[str, ...] = ()  # names dropped from the image's and hutch's defaults
    unsetenv_all: bool = False  # all of those dropped
    # --secret NAME[,type=mount|env][,target=X][,uid=,gid=,mode=]: copied in at create
    secrets: tuple[str, ...] = ()
    workdir: str | None = None
    user: str | None = None
    entrypoint: str | None = None
    hostname: str | None = None
    domainname: str | None = None  # the UTS namespace's domain name (setdomainname)
    name: str | None = None
    network: str = ""  # "" is the [network] default setting (private unless set)
    pod: str | None = None  # --pod: join the pod NAME or ID, or make it first: new:NAME
    pod_id_file: str | None = None  # --pod-id-file: the pod's id read from this file
    init_ctr: str | None = None  # create --init-ctr always|once: an init container of --pod
    detach: bool = False
    # --restart as given: "" when none was (podman keeps that apart from an explicit "no":
    # inspect shows "" and ps --filter restart-policy=none matches it, =no does not)
    restart: str = ""
    labels: tuple[str, ...] = ()
    label_files: tuple[str, ...] = ()  # read by create, under the --label values
    annotations: tuple[str, ...] = ()  # KEY=VALUE
    umask: str | None = None  # octal; None: DEFAULT_UMASK
    kernel_memory: str | None = None  # a no-op, as in podman (a warning)
    oom_kill_disable: bool = False
    disable_content_trust: bool = False  # Docker's image signing switch: a no-op in podman
    # --preserve-fds N (run): the caller's descriptors 3 .. 3+N-1 reach the command
    preserve_fds: int = 0
    conmon_pidfile: str | None = None  # --conmon-pidfile: the monitor's pid, at each start
    stop_signal: str | None = None
    stop_timeout: int | None = None
    cidfile: str | None = None
    pidfile: str | None = None  # absolute once created; None: userdata/pidfile
    # --requires: names as given (comma lists too); create records the full ids
    requires: tuple[str, ...] = ()
    timezone: str | None = None  # --tz: local or a zone name (Europe/Paris)
    replace: bool = False  # remove a container of the same name first
    # conmon (READY=1 once running), container (its own), healthy (once healthy), ignore
    sdnotify: str = "conmon"
    # The command line that made it, "hutch" first (podman's CreateCommand; older
    # records lack the "hutch"), from which ``generate systemd --new`` writes the
    # service's ``run``.
    create_command: tuple[str, ...] = ()
    net: NetworkOptions = field(default_factory=NetworkOptions)
    security: SecurityOptions = field(default_factory=SecurityOptions)
    lifecycle: LifecycleOptions = field(default_factory=LifecycleOptions)
    pull: ImagePullOptions = field(default_factory=ImagePullOptions)
    volumes: VolumeOptions = field(default_factory=VolumeOptions)
    resources: ResourceOptions = field(default_factory=ResourceOptions)
    log: LogOptions = field(default_factory=LogOptions)
    namespaces: NamespaceOptions = field(default_factory=NamespaceOptions)
    kernel: KernelOptions = field(default_factory=KernelOptions)
    passwd: PasswdOptions = field(default_factory=PasswdOptions)
