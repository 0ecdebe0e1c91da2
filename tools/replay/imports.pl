# Shared by the replay scripts: keeps a Java file's imports right after a mechanical edit.
# add_import($text, 'a.b.C') puts "import a.b.C;" among the non-static imports in sorted order (once);
# drop_unused_import($text, 'a.b.C') removes it when the simple name no longer appears in the code.
use strict;
use warnings;

sub add_import {
  my ($text, $fqcn) = @_;
  return $text if $text =~ /^import \Q$fqcn\E;$/m;
  my $line = "import $fqcn;";
  my @imports = ($text =~ /^(import (?!static )[\w.]+;)$/mg);
  for my $existing (@imports) {
    if ($existing gt $line) {
      $text =~ s/^\Q$existing\E$/$line\n$existing/m;
      return $text;
    }
  }
  if (@imports) {
    my $last = $imports[-1];
    $text =~ s/^\Q$last\E$/$last\n$line/m;
  } else {
    $text =~ s/^(package [\w.]+;\n)/$1\n$line\n/m;
  }
  return $text;
}

sub drop_unused_import {
  my ($text, $fqcn) = @_;
  (my $simple = $fqcn) =~ s/.*\.//;
  (my $without = $text) =~ s/^import \Q$fqcn\E;\n//m;
  (my $code = $without) =~ s/^import .*;\n//mg;
  return $code =~ /\b\Q$simple\E\b/ ? $text : $without;
}

1;
