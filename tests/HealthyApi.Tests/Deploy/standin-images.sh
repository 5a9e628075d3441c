#!/usr/bin/env bash
# usage: standin-images.sh WORKDIR PODMAN [PODMAN-ARGS...]
# Where no registry answers, the Dockerfile's base images cannot be pulled. This assembles stand-ins
# from the .NET installed here and Debian's libraries, and imports them into that podman storage:
#   localhost/standin/aspnet:chiseled  like mcr.microsoft.com/dotnet/aspnet:*-chiseled: the ASP.NET Core
#       runtime, libc, libstdc++, libssl, zlib and CA certificates; no shell, no ICU, no tzdata, no
#       Kerberos; user 1654 ("app") by default, the same environment variables;
#   localhost/standin/sdk              like mcr.microsoft.com/dotnet/sdk: the SDK with ICU and /bin/sh.
# Prints the two image names. On a machine with a registry the test builds FROM the real images instead.
set -euo pipefail
work=$1
shift
podman=("$@")
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime_version=$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | sort -V | tail -n 1)
aspnet_version=$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -n 1)

# rootfs DIR: the layout of a Debian-family image (merged /usr), users root and app (1654), /tmp.
rootfs() {
  local root=$1
  mkdir -p "$root"/{etc/ssl,tmp,root,home/app,usr/bin,usr/lib/x86_64-linux-gnu,usr/lib64,usr/share/dotnet}
  chmod 1777 "$root/tmp"
  ln -s usr/lib "$root/lib"
  ln -s usr/lib64 "$root/lib64"
  ln -s usr/bin "$root/bin"
  printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654:app:/home/app:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\napp:x:1654:\n' >"$root/etc/group"
  chown 1654:1654 "$root/home/app"
  cp -rL /etc/ssl/certs "$root/etc/ssl/certs"
  cp "$(readlink -f /lib64/ld-linux-x86-64.so.2)" "$root/usr/lib64/ld-linux-x86-64.so.2"
  ln -s ../share/dotnet/dotnet "$root/usr/bin/dotnet"
}

# libraries ROOT FILE...: each file's shared libraries (as ldd resolves them here) and the files themselves.
libraries() {
  local root=$1 file lib
  shift
  for file in "$@"; do
    { ldd "$file" 2>/dev/null | awk '/=> \// { print $3 }'; [[ $file == *.so* ]] && echo "$file"; } || true
  done | sort -u | while read -r lib; do
    local real dir
    real=$(readlink -f "$lib")
    dir="$root/usr/lib/x86_64-linux-gnu"
    [ -e "$dir/$(basename "$real")" ] || cp "$real" "$dir/"
    [ "$(basename "$lib")" = "$(basename "$real")" ] || ln -sf "$(basename "$real")" "$dir/$(basename "$lib")"
  done
}

debian_lib() { readlink -f "/usr/lib/x86_64-linux-gnu/$1"; }

# The runtime: what the chiseled image holds, nothing more (libssl and zlib are loaded at run time).
runtime="$work/runtime"
rootfs "$runtime"
mkdir -p "$runtime/usr/share/dotnet/shared"
cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$runtime/usr/share/dotnet/"
cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$runtime/usr/share/dotnet/shared/"
mapfile -t natives < <(find "$runtime/usr/share/dotnet" -type f \( -name '*.so' -o -name dotnet \))
libraries "$runtime" "${natives[@]}" "$(debian_lib libssl.so.3)" "$(debian_lib libcrypto.so.3)" "$(debian_lib libz.so.1)"

# The SDK: all of it, ICU (the SDK's own globalization) and a shell for RUN.
sdk="$work/sdk"
rootfs "$sdk"
cp -a "$dotnet_root/." "$sdk/usr/share/dotnet/"
mapfile -t natives < <(find "$sdk/usr/share/dotnet" -type f \( -name '*.so' -o -name dotnet \))
mapfile -t icu < <(find /usr/lib/x86_64-linux-gnu -maxdepth 1 -name 'libicu*.so.[0-9]*' ! -name '*.so.*.*')
libraries "$sdk" "${natives[@]}" "$(debian_lib libssl.so.3)" "$(debian_lib libcrypto.so.3)" "$(debian_lib libz.so.1)" "${icu[@]}" "$(readlink -f /bin/sh)"
cp "$(readlink -f /bin/sh)" "$sdk/usr/bin/"
[ -e "$sdk/usr/bin/sh" ] || ln -s "$(basename "$(readlink -f /bin/sh)")" "$sdk/usr/bin/sh"

common=(--change "ENV=DOTNET_RUNNING_IN_CONTAINER=true" --change "ENV=PATH=/usr/local/bin:/usr/bin:/bin")
tar -C "$runtime" -c . | "${podman[@]}" import -q "${common[@]}" \
  --change "ENV=APP_UID=1654" --change "ENV=ASPNETCORE_HTTP_PORTS=8080" \
  --change "ENV=DOTNET_VERSION=$runtime_version" --change "ENV=ASPNET_VERSION=$aspnet_version" \
  --change "ENV=DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true" --change "USER=1654" \
  - localhost/standin/aspnet:chiseled >/dev/null
tar -C "$sdk" -c . | "${podman[@]}" import -q "${common[@]}" \
  --change "ENV=DOTNET_VERSION=$runtime_version" --change "ENV=DOTNET_NOLOGO=true" \
  --change "ENV=DOTNET_CLI_TELEMETRY_OPTOUT=true" --change "ENV=NUGET_XMLDOC_MODE=skip" \
  - localhost/standin/sdk >/dev/null
rm -rf "$runtime" "$sdk"
echo localhost/standin/sdk localhost/standin/aspnet:chiseled
