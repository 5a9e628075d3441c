#!/usr/bin/env bash
# Created by `dotnet new healthy-check` when it could not read the service's root namespace: explains,
# then deletes itself.
rm -f -- "$0"
echo "error: dotnet new healthy-check created nothing: it reads the service's root namespace from a restored project in the current folder." >&2
echo "  Run it in the service project's folder (src/<Service>, next to Program.cs) after 'dotnet restore' or a build, or pass --service <root namespace>." >&2
exit 1
