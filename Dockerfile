# syntax=docker/dockerfile:1
# Multi-stage: restore in its own layer (changes to code do not re-download packages), publish, then a
# chiseled runtime image: no shell, no package manager, non-root by default.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/HealthyApi/HealthyApi.csproj src/HealthyApi/
RUN dotnet restore src/HealthyApi/HealthyApi.csproj
COPY src/ src/
RUN dotnet publish src/HealthyApi/HealthyApi.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS final
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
