#!/usr/bin/env bash
# Prints which package of a module imports which other package of the same project, one "from -> to" per line.
# Usage: tools/package-deps.sh [module-dir] (default autoglm-core). Same-package references need no import and
# are not listed; a static import counts as a dependency on the class's package.
set -euo pipefail
module="${1:-autoglm-core}"
root="$module/src/main/java"
find "$root" -name '*.java' | sort | while read -r file; do
  from=$(sed -n 's/^package \([a-zA-Z0-9_.]*\);.*/\1/p' "$file" | head -1)
  grep -E '^import (static )?io\.openautoglm\.' "$file" \
    | sed -E 's/^import (static )?//; s/;.*//' \
    | sed -E 's/\.[A-Z][A-Za-z0-9_]*(\..*)?$//' \
    | while read -r to; do
        [ "$to" != "$from" ] && echo "$from -> $to"
      done || true
done | sort | uniq -c | awk '{print $2, $3, $4, "(" $1 " imports)"}'
