# The node image from a binary built on the host: no registry, no Rust toolchain in Docker.
# Base: `tributary-base:bookworm-2`, a Debian root file system made with debootstrap and
# imported (scripts/docker/base-image.sh). Build context: a directory holding the `tributary`
# binary (scripts/docker-testnet.sh stages a stripped copy of the host's build there).
#   docker build -f docker/tributary_injected.Dockerfile -t tributary:latest STAGE_DIR
ARG BASE_IMAGE=tributary-base:bookworm-2
FROM ${BASE_IMAGE}
COPY tributary /usr/local/bin/tributary
RUN useradd -m -u 1000 -U -s /bin/sh -d /tributary tributary \
    && mkdir -p /data && chown tributary:tributary /data \
    && /usr/local/bin/tributary --version
USER tributary
EXPOSE 30333 9944 9615
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/tributary"]
CMD ["--dev", "--base-path", "/data"]
