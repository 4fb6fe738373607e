"""Media types of the OCI image spec and of Docker's image manifest v2.

Registries still serve Docker schema 2 documents for most public images, so
both families are first-class; Docker schema 1 is only named here so that it
can be recognised and refused with a clear message.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import Final


# OCI image spec v1.1
OCI_MANIFEST: Final = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX: Final = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG: Final = "application/vnd.oci.image.config.v1+json"
OCI_EMPTY: Final = "application/vnd.oci.empty.v1+json"
OCI_LAYER_TAR: Final = "application/vnd.oci.image.layer.v1.tar"
OCI_LAYER_GZIP: Final = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_LAYER_ZSTD: Final = "application/vnd.oci.image.layer.v1.tar+zstd"
OCI_LAYER_NONDIST_TAR: Final = "application/vnd.oci.image.layer.nondistributable.v1.tar"
OCI_LAYER_NONDIST_GZIP: Final = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
OCI_LAYER_NONDIST_ZSTD: Final = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"

# Docker image manifest v2, schema 2
DOCKER_MANIFEST: Final = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST: Final = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG: Final = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER_TAR: Final = "application/vnd.docker.image.rootfs.diff.tar"
DOCKER_LAYER_GZIP: Final = "application/vnd.docker.image.rootfs.diff.tar.gzip"
DOCKER_LAYER_ZSTD: Final = "application/vnd.docker.image.rootfs.diff.tar.zstd"
DOCKER_FOREIGN_LAYER_TAR: Final = "application/vnd.docker.image.rootfs.foreign.diff.tar"
DOCKER_FOREIGN_LAYER_GZIP: Final = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"

# Docker image manifest v2, schema 1 (recognised only to be refused)
DOCKER_SCHEMA1_MANIFEST: Final = "application/vnd.docker.distribution.manifest.v1+json"
DOCKER_SCHEMA1_SIGNED: Final = "application/vnd.docker.distribution.manifest.v1+prettyjws"

IMAGE_MANIFEST_TYPES: Final = frozenset({OCI_MANIFEST, DOCKER_MANIFEST})
INDEX_TYPES: Final = frozenset({OCI_INDEX, DOCKER_MANIFEST_LIST})
SCHEMA1_TYPES: Final = frozenset({DOCKER_SCHEMA1_MANIFEST, DOCKER_SCHEMA1_SIGNED})
CONFIG_TYPES: Final = frozenset({OCI_CONFIG, DOCKER_CONFIG})

LAYER_GZIP_TYPES: Final = frozenset(
    {OCI_LAYER_GZIP, OCI_LAYER_NONDIST_GZIP, DOCKER_LAYER_GZIP, DOCKER_FOREIGN_LAYER_GZIP}
)
LAYER_ZSTD_TYPES: Final = frozenset({OCI_LAYER_ZSTD, OCI_LAYER_NONDIST_ZSTD, DOCKER_LAYER_ZSTD})
LAYER_TAR_TYPES: Final = frozenset(
    {OCI_LAYER_TAR, OCI_LAYER_NONDIST_TAR, DOCKER_LAYER_TAR, DOCKER_FOREIGN_LAYER_TAR}
)
LAYER_TYPES: Final = LAYER_GZIP_TYPES | LAYER_ZSTD_TYPES | LAYER_TAR_TYPES

# Layers a registry may refuse to serve (their blobs live at ``urls``).
NONDISTRIBUTABLE_LAYER_TYPES: Final = frozenset(
    {
        OCI_LAYER_NONDIST_TAR,
        OCI_LAYER_NONDIST_GZIP,
        OCI_LAYER_NONDIST_ZSTD,
        DOCKER_FOREIGN_LAYER_TAR,
        DOCKER_FOREIGN_LAYER_GZIP,
    }
)

# The same blobs under Docker schema 2's names and back (config and layers):
# the two formats describe one image layout, only the media types differ.
OCI_TO_DOCKER: Final = {
    OCI_CONFIG: DOCKER_CONFIG,
    OCI_LAYER_TAR: DOCKER_LAYER_TAR,
    OCI_LAYER_GZIP: DOCKER_LAYER_GZIP,
    OCI_LAYER_ZSTD: DOCKER_LAYER_ZSTD,
    OCI_LAYER_NONDIST_TAR: DOCKER_FOREIGN_LAYER_TAR,
    OCI_LAYER_NONDIST_GZIP: DOCKER_FOREIGN_LAYER_GZIP,
}
DOCKER_TO_OCI: Final = {docker: oci for oci, docker in OCI_TO_DOCKER.items()}

# What a registry client sends in ``Accept`` when fetching a manifest: every
# kind we can parse, indexes first so that a multi-arch tag yields its index.
MANIFEST_ACCEPT: Final = (OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST)
