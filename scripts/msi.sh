#!/bin/sh
# Builds the Windows installer from dist/C2Desk.exe with msitools' wixl:
#   scripts/msi.sh VERSION OUT.msi
# VERSION is major.minor.patch (FyneApp.toml's Version). The product code
# follows the version: the same release built twice is the same product,
# never a second entry in Apps & features; a newer version replaces the
# older (packaging/windows/C2Desk.wxs, its fixed upgrade code).
set -eu
cd "$(dirname "$0")/.."
version=$1 out=$2
case "$version" in
*[!0-9.]* | "" | *..* | .* | *.)
	echo "msi.sh: the version must be numbers and dots, like 1.2.3: $version" >&2
	exit 2
	;;
esac
sum=$(printf 'C2Desk MSI product %s' "$version" | sha1sum | cut -c1-32)
part() { printf '%s' "$sum" | cut -c"$1"; }
code="$(part 1-8)-$(part 9-12)-5$(part 14-16)-8$(part 18-20)-$(part 21-32)"
# wixl reads its sources relative to the folder it runs in.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp dist/C2Desk.exe packaging/windows/C2Desk.ico packaging/windows/C2Desk.wxs "$work/"
(cd "$work" && wixl -a x64 -D Version="$version" -D ProductCode="$code" -D Publisher="C2Desk" \
	-D Exe=C2Desk.exe -D Icon=C2Desk.ico -o C2Desk.msi C2Desk.wxs)
mv "$work/C2Desk.msi" "$out"
msiinfo export "$out" Property | grep -q "^ProductVersion	$version" || {
	echo "msi.sh: $out does not carry version $version" >&2
	exit 1
}
