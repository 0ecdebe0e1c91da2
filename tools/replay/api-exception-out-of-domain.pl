# Rewrites one Java file (path in $ARGV[0], mode in $ARGV[1]: "api" for files of package dev.chplane.api,
# "other" for the rest) for api-exception-out-of-domain.sh; prints the new text.
use strict;
use warnings;
require "./tools/replay/imports.pl";

my ($path, $mode) = @ARGV;
open(my $in, '<', $path) or die "$path: $!";
my $t = do { local $/; <$in> };
close $in;

my %kind = (
  BAD_REQUEST => 'InvalidInput', NOT_FOUND => 'NotFound', CONFLICT => 'Conflict',
  FORBIDDEN => 'NotPermitted', FAILED_DEPENDENCY => 'Unavailable', INSUFFICIENT_STORAGE => 'StorageFull',
);
sub factory { my $k = $kind{$_[0]}; return undef unless $k; return lcfirst $k; }

if ($mode eq 'api') {
  # same package now
  $t =~ s/^import dev\.chplane\.domain\.ApiException;\n//mg;
  $t =~ s/^import dev\.chplane\.domain\.ErrorCode;\n//mg;
  if ($path =~ m{/api/ApiServer\.java$}) {
    if ($t !~ /app\.exception\(DomainException\.class/) {
      $t =~ s/^([ \t]*)app\.exception\(ApiException\.class, \(e, ctx\) -> \{\n/${1}app.exception(DomainException.class, (e, ctx) -> {\n${1}  ApiException mapped = ApiException.from(e);\n${1}  log.debug("{} {} -> {} {}", ctx.method(), ctx.path(), mapped.code(), mapped.getMessage());\n${1}  envelope.error(ctx, mapped.code(), mapped.getMessage());\n${1}});\n$&/m
        or die "$path: no app.exception(ApiException.class, (e, ctx) -> { to put the domain's mapping beside\n";
    }
    $t =~ s/ApiException (\w+) = (deps\.disk\(\)\.full\(\));/ApiException $1 = ApiException.from($2);/g;
    $t = add_import($t, 'dev.chplane.domain.DomainException') if $t =~ /\bDomainException\b/;
  }
} else {
  my $in_domain = $t =~ /^package dev\.chplane\.domain;$/m;
  # assertions of tests: the kind replaces the code
  $t =~ s/isInstanceOfSatisfying\(\s*ApiException\.class,\s*(\w+)\s*->\s*assertThat\(\s*\1\.code\(\)\s*\)\.isEqualTo\(\s*ErrorCode\.(\w+)\s*\)\s*\)/
          $kind{$2} ? "isInstanceOf(DomainException.$kind{$2}.class)" : $&/ge;
  $t =~ s/isInstanceOfSatisfying\(\s*ApiException\.class,\s*(\w+)\s*->\s*\{\s*assertThat\(\s*\1\.code\(\)\s*\)\.isEqualTo\(\s*ErrorCode\.(\w+)\s*\);[ \t]*\n/
          $kind{$2} ? "isInstanceOfSatisfying(DomainException.$kind{$2}.class, $1 -> {\n" : $&/ge;
  # throws
  $t =~ s/\bApiException\.badRequest\(/DomainException.invalidInput(/g;
  $t =~ s/\bApiException\.notFound\(/DomainException.notFound(/g;
  $t =~ s/\bApiException\.conflict\(/DomainException.conflict(/g;
  $t =~ s/\bnew ApiException\(\s*ErrorCode\.(\w+)\s*,\s*/factory($1) ? "DomainException." . factory($1) . "(" : $&/ge;
  # what is left names the type (a return type, a catch, an assertion on the class)
  $t =~ s/(?<![\w.])ApiException\b(?!\()/DomainException/g;
  $t =~ s/^import dev\.chplane\.domain\.DomainException;\n//mg if $in_domain;
  $t =~ s/^import dev\.chplane\.domain\.ApiException;\n//mg;
  $t = add_import($t, 'dev.chplane.domain.DomainException') if !$in_domain && $t =~ /\bDomainException\b/;
  $t = drop_unused_import($t, 'dev.chplane.domain.ErrorCode');
}
print $t;
