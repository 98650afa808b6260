# The driftless image, built the conventional way, for machines that reach a
# registry (it starts FROM debian:12):
#
#   docker build -t driftless .
#
# It cannot be built where no registry is reachable (as on the machines this
# project is tested on): there, scripts/build-driftless-image.sh makes the
# same image from the local build, FROM scratch, using this file's last stage
# (README, "Running driftless in a container").

FROM debian:12 AS build
# The packages building the driftless target needs: the "build" set of
# scripts/install-deps.sh, which the project's own scripts use.
COPY scripts/install-deps.sh /src/scripts/
RUN bash /src/scripts/install-deps.sh build && rm -rf /var/lib/apt/lists/*
COPY . /src
WORKDIR /src
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDRIFTLESS_BENCH=OFF \
 && cmake --build /build -j"$(nproc)" --target driftless \
 && bash scripts/driftless-rootfs.sh /build/cli/driftless /rootfs

# The runtime stage: the stripped binary, the libraries it links and the
# loader, a non-root user; nothing else (no shell).
FROM scratch AS runtime
COPY --from=build /rootfs/ /
ENV PATH=/usr/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
ENTRYPOINT ["/usr/bin/driftless"]
CMD ["run", "-s", "/specs"]
# The status server listens on 127.0.0.1:9180 unless DRIFTLESS_LISTEN says
# otherwise; the healthcheck reads the same variable.
HEALTHCHECK --interval=10s --timeout=6s --start-period=30s --retries=3 CMD ["/usr/bin/driftless", "healthcheck"]
