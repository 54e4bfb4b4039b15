# syntax=docker/dockerfile:1
# The tenant-reconciler image, for teams that build with Docker (docs/container.md). It matches what
# `dotnet publish -c Release -r linux-x64 /t:PublishContainer` builds from src/TenantReconciler.Cli: the native
# (Native AOT) executable on the same base, with the same user, port, entrypoint and default command.
#
#   docker build --build-arg VERSION=1.2.3 -t tenant-reconciler:1.2.3 .
#
# VERSION is the tool's version (what --version prints and saved plans record). The build context has no .git
# (.dockerignore), so MinVer cannot read the tags here: pass the tag without its "v". Without it: 0.0.0-alpha.0.

# The SDK image with the native toolchain (clang, the zlib headers). It runs on the target platform: the output is
# native code for it (a multi-platform build runs the other architecture's stage under emulation, slower).
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build
ARG VERSION=
ARG TARGETARCH
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MINVERVERSIONOVERRIDE=$VERSION
WORKDIR /src

# Restore first, from the project files only, so the package layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Directory.Build.props src/
COPY src/TenantReconciler/TenantReconciler.csproj src/TenantReconciler/
COPY src/TenantReconciler.Emulator/TenantReconciler.Emulator.csproj src/TenantReconciler.Emulator/
COPY src/TenantReconciler.Cli/TenantReconciler.Cli.csproj src/TenantReconciler.Cli/
RUN dotnet restore src/TenantReconciler.Cli/TenantReconciler.Cli.csproj -r "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)"

COPY README.md ./
COPY schema/ schema/
COPY src/ src/
RUN dotnet publish src/TenantReconciler.Cli/TenantReconciler.Cli.csproj -c Release --no-restore -o /app \
      -r "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)"

# Chiseled runtime-deps: glibc, OpenSSL and the CA certificates only; no shell, no package manager, no .NET runtime
# (the executable carries its own), the non-root 'app' user (APP_UID 1654) by default.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
ARG VERSION=
LABEL org.opencontainers.image.title="tenant-reconciler" \
      org.opencontainers.image.description="Declarative tenant registrations for Azure Stack: plan and apply customerSubscriptions from tenants.yaml." \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="$VERSION"
WORKDIR /app
# The executable alone: not the debug symbols (tenant-reconciler.dbg) the publish writes beside it.
COPY --from=build /app/tenant-reconciler ./
USER 1654
EXPOSE 8080
ENTRYPOINT ["/app/tenant-reconciler"]
CMD ["watch", "--listen=0.0.0.0:8080"]
