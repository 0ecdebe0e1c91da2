#!/usr/bin/env bash
# Replayable: every ObjectMapper that src/main makes comes from dev.chplane.json.JsonMappers.
#   lenient reads (FAIL_ON_UNKNOWN_PROPERTIES off: the store's JSON)  -> JsonMappers.stored()
#   exact decimals (WRITE_BIGDECIMAL_AS_PLAIN + USE_BIG_DECIMAL_FOR_FLOATS: pipe rows) -> JsonMappers.exactDecimals()
#   a plain new ObjectMapper()                                         -> JsonMappers.strict()
# Idempotent; run from anywhere inside the repository. Fails (exit 1) listing any mapper it could not
# classify, so a new kind of call site is looked at by a person instead of being guessed.
set -euo pipefail
root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
cd "$root"
here=tools/replay

mkdir -p src/main/java/dev/chplane/json
cp "$here/files/JsonMappers.java" src/main/java/dev/chplane/json/JsonMappers.java
mkdir -p src/test/java/dev/chplane/json
cp "$here/files/JsonMappersTest.java" src/test/java/dev/chplane/json/JsonMappersTest.java

files=$(grep -rlE 'new (com\.fasterxml\.jackson\.databind\.)?ObjectMapper\(' src/main/java || true)
for f in $files; do
  perl -0777 -e '
    require "./'"$here"'/imports.pl";
    my $t = do { local $/; <STDIN> };
    my $om = qr/new (?:com\.fasterxml\.jackson\.databind\.)?ObjectMapper\(\)/;
    my $feat = qr/\s*\.(?:enable|configure)\(\s*[\w.]*?(?:WRITE_BIGDECIMAL_AS_PLAIN|USE_BIG_DECIMAL_FOR_FLOATS)\s*(?:,\s*true\s*)?\)/;
    $t =~ s/$om\s*\.configure\(\s*[\w.]*?DeserializationFeature\.FAIL_ON_UNKNOWN_PROPERTIES\s*,\s*false\s*\)/JsonMappers.stored()/g;
    $t =~ s/$om\s*\.disable\(\s*[\w.]*?DeserializationFeature\.FAIL_ON_UNKNOWN_PROPERTIES\s*\)/JsonMappers.stored()/g;
    $t =~ s/$om(?:$feat){2}/JsonMappers.exactDecimals()/g;
    $t =~ s/$om(?!\s*\.)/JsonMappers.strict()/g;
    if ($t =~ /JsonMappers\./) {
      $t = add_import($t, "dev.chplane.json.JsonMappers");
      $t = drop_unused_import($t, "com.fasterxml.jackson.databind.DeserializationFeature");
      $t = drop_unused_import($t, "com.fasterxml.jackson.core.JsonGenerator");
    }
    print $t;
  ' < "$f" > "$f.replay" && mv "$f.replay" "$f"
done

left=$(grep -rnE 'new (com\.fasterxml\.jackson\.databind\.)?ObjectMapper\(' src/main/java || true)
if [ -n "$left" ]; then
  echo "shared-object-mapper: these mappers have settings this script does not know; give JsonMappers a factory for them:" >&2
  echo "$left" >&2
  exit 1
fi
echo "shared-object-mapper: done"
