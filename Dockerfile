# Multi-stage: restore in its own layer (changes to code do not re-download packages), publish, then a
# chiseled runtime image: no shell, no package manager, non-root by default.
#   docker build --build-arg SOURCE_REVISION=$(git rev-parse HEAD) -t registry.example.com/healthy-api:1.0.0 .
# The base images are arguments so a mirror or a digest-pinned image needs no edit here.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled

# The SDK runs on the builder's own platform and compiles for the target's (-a), so a multi-arch build
# never runs the SDK under emulation.
FROM --platform=$BUILDPLATFORM $SDK_IMAGE AS build
ARG TARGETARCH
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/HealthyApi/HealthyApi.csproj src/HealthyApi/
# ReadyToRun: precompiled code starts faster than the JIT (README, "Performance"); restore fetches its compiler.
# No build servers: a builder without a PID namespace per step (buildah/podman's chroot isolation) would
# keep the compiler server running on the host after the step.
RUN dotnet restore src/HealthyApi/HealthyApi.csproj -a $TARGETARCH -p:PublishReadyToRun=true --disable-build-servers
COPY src/ src/
# .git is not in the build context: the commit comes in as an argument and ends up in the version the
# service reports (/info, telemetry's service.version).
ARG SOURCE_REVISION=""
RUN dotnet publish src/HealthyApi/HealthyApi.csproj -c Release -a $TARGETARCH --no-restore --self-contained false -p:PublishReadyToRun=true -p:UseAppHost=false -p:SourceRevisionId=$SOURCE_REVISION --disable-build-servers -o /app

FROM $RUNTIME_IMAGE AS final
ARG SOURCE_REVISION=""
LABEL org.opencontainers.image.revision=$SOURCE_REVISION
WORKDIR /app
COPY --from=build /app .
# 1654 is the "app" user of the .NET images; numeric so Kubernetes can verify runAsNonRoot.
USER 1654
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Management__Port=8081
EXPOSE 8080 8081
# No curl in a chiseled image: the service probes itself (README, "Self-probe").
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["dotnet", "HealthyApi.dll", "probe", "readiness"]
ENTRYPOINT ["dotnet", "HealthyApi.dll"]
