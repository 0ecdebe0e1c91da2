#!/usr/bin/env bash
# Replayable: the API's exception leaves the domain.
#   domain.ApiException, domain.ErrorCode  -> api.ApiException (+ from(DomainException)), api.ErrorCode
#   use cases (every package but api) throw domain.DomainException, one subclass per kind:
#     BAD_REQUEST -> invalidInput   NOT_FOUND -> notFound        CONFLICT -> conflict
#     FORBIDDEN -> notPermitted     FAILED_DEPENDENCY -> unavailable   INSUFFICIENT_STORAGE -> storageFull
#   ApiServer maps DomainException with ApiException.from: same status, same message, so the same
#   wire error ("<CODE>: <message>").
#   Tests outside api assert the kind instead of the code.
# Idempotent; run from anywhere inside the repository after merging. Exits 1 listing what it could not
# rewrite (a code with no kind outside the API, an unusual assertion): fix those by hand.
set -euo pipefail
root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
cd "$root"
here=tools/replay
main=src/main/java/dev/chplane
test=src/test/java/dev/chplane

cp "$here/files/DomainException.java" "$main/domain/DomainException.java"
cp "$here/files/ApiException.java" "$main/api/ApiException.java"
cp "$here/files/ErrorCode.java" "$main/api/ErrorCode.java"
cp "$here/files/ApiExceptionTest.java" "$test/api/ApiExceptionTest.java"
rm -f "$main/domain/ApiException.java" "$main/domain/ErrorCode.java"

files=$(grep -rlE '\bApiException\b|dev\.chplane\.domain\.ErrorCode' src/main/java src/test/java || true)
for f in $files; do
  case "$f" in
    "$main"/api/*|"$test"/api/*) mode=api ;;
    *) mode=other ;;
  esac
  perl "$here/api-exception-out-of-domain.pl" "$f" "$mode" > "$f.replay"
  if cmp -s "$f" "$f.replay"; then rm "$f.replay"; else mv "$f.replay" "$f"; fi
done

left=$( (grep -rnE '\bApiException\b|\bErrorCode\.' src/main/java src/test/java \
  | grep -vE "^($main|$test)/api/" | grep -v 'org\.h2\.api\.ErrorCode' | grep -vE 'sql\.getErrorCode\(\)|case ErrorCode\.|ErrorCode\.(DATABASE|FILE_|GENERAL)' ; \
  grep -rn 'dev\.chplane\.domain\.\(ApiException\|ErrorCode\)' src/main/java src/test/java) || true)
if [ -n "$left" ]; then
  echo "api-exception-out-of-domain: left for a person (no DomainException kind, or an unusual form):" >&2
  echo "$left" >&2
  exit 1
fi
echo "api-exception-out-of-domain: done"
