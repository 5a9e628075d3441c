#!/usr/bin/env bash
# Run once by `dotnet new healthy-check` (post-action), then deleted: adds the check's registration
# line to Program.cs, above the marker line the template put there.
set -euo pipefail
rm -f -- "$0"
line='checks.AddExample();'
marker='// healthy-check: new checks go above this line.'
if grep -qF "$line" Program.cs; then
  echo "Program.cs already registers the check ($line)"
  exit 0
fi
if ! grep -qE "^[[:space:]]*${marker//./\\.}\$" Program.cs; then
  echo "error: Program.cs has no line '$marker': add '$line' next to the other checks.AddX() lines yourself" >&2
  exit 1
fi
tmp=$(mktemp)
# The new line takes the marker's indentation.
awk -v line="$line" -v marker="$marker" '{ text = $0; sub(/^[ \t]+/, "", text) } text == marker { match($0, /^[ \t]*/); print substr($0, 1, RLENGTH) line } { print }' Program.cs >"$tmp"
cat "$tmp" >Program.cs
rm -f "$tmp"
echo "Program.cs: added $line"
