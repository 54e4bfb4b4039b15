# syntax=docker/dockerfile:1
# The tenant-reconciler image, for teams that build with Docker (docs/container.md). It matches what
# `dotnet publish -c Release /t:PublishContainer` builds from src/TenantReconciler.Cli: the same base, user, port,
# entrypoint and default command.
#
#   docker build --build-arg VERSION=1.2.3 -t tenant-reconciler:1.2.3 .
#
# VERSION is the tool's version (what --version prints and saved plans record). The build context has no .git
# (.dockerignore), so MinVer cannot read the tags here: pass the tag without its "v". Without it: 0.0.0-alpha.0.

# Build on the builder's own architecture: the output is portable IL, the runtime comes from the final base image.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG VERSION=
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MINVERVERSIONOVERRIDE=$VERSION
WORKDIR /src

# Restore first, from the project files only, so the package layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/TenantReconciler/TenantReconciler.csproj src/TenantReconciler/
COPY src/TenantReconciler.Emulator/TenantReconciler.Emulator.csproj src/TenantReconciler.Emulator/
COPY src/TenantReconciler.Cli/TenantReconciler.Cli.csproj src/TenantReconciler.Cli/
RUN dotnet restore src/TenantReconciler.Cli/TenantReconciler.Cli.csproj

COPY README.md ./
COPY schema/ schema/
COPY src/ src/
RUN dotnet publish src/TenantReconciler.Cli/TenantReconciler.Cli.csproj -c Release --no-restore -o /app -p:UseAppHost=false

# Chiseled ASP.NET Core runtime: no shell, no package manager, the non-root 'app' user (APP_UID 1654) by default.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
ARG VERSION=
LABEL org.opencontainers.image.title="tenant-reconciler" \
      org.opencontainers.image.description="Declarative tenant registrations for Azure Stack: plan and apply customerSubscriptions from tenants.yaml." \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="$VERSION"
WORKDIR /app
COPY --from=build /app ./
USER 1654
EXPOSE 8080
ENTRYPOINT ["dotnet", "/app/tenant-reconciler.dll"]
CMD ["watch", "--listen=0.0.0.0:8080"]
