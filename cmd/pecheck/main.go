// Command pecheck checks that a Windows build of C2Desk is what an office
// PC can run: a 64-bit GUI executable with the icon and the version in its
// resources, needing no DLL beyond those every Windows has.
//
//	go run ./cmd/pecheck -version 0.1.0.1 C2Desk.exe
package main

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Resource types, from winuser.h.
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// systemDLLs ship with every Windows the app supports; anything else (a
// MinGW runtime DLL, say) would be missing on an office PC.
var systemDLLs = []string{"advapi32.dll", "bcrypt.dll", "comctl32.dll", "comdlg32.dll", "crypt32.dll", "dwmapi.dll",
	"gdi32.dll", "imm32.dll", "kernel32.dll", "msvcrt.dll", "ntdll.dll", "ole32.dll", "oleaut32.dll", "opengl32.dll",
	"powrprof.dll", "secur32.dll", "setupapi.dll", "shell32.dll", "shlwapi.dll", "user32.dll", "userenv.dll",
	"uxtheme.dll", "version.dll", "winmm.dll", "ws2_32.dll", "api-ms-win-core-synch-l1-2-0.dll",
	"api-ms-win-core-path-l1-1-0.dll", "dnsapi.dll", "iphlpapi.dll", "netapi32.dll", "winhttp.dll", "wintrust.dll"}

func main() {
	version := flag.String("version", "", "the file version the executable must carry, e.g. 0.1.0.1")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pecheck [-version a.b.c.d] FILE.exe")
		os.Exit(2)
	}
	report, err := check(flag.Arg(0), *version)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pecheck:", err)
		os.Exit(1)
	}
	fmt.Println(report)
}

func check(path, wantVersion string) (string, error) {
	f, err := pe.Open(path)
	if err != nil {
		return "", fmt.Errorf("not a Windows executable: %w", err)
	}
	defer f.Close()
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		return "", fmt.Errorf("machine %#x, want x86-64", f.Machine)
	}
	opt, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		return "", errors.New("not a 64-bit image")
	}
	if opt.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		return "", fmt.Errorf("subsystem %d: a console window would open beside C2Desk", opt.Subsystem)
	}

	// debug/pe lists imports as "symbol:dll" (its ImportedLibraries is
	// empty for PE files).
	syms, err := f.ImportedSymbols()
	if err != nil {
		return "", err
	}
	var dlls []string
	for _, s := range syms {
		if _, dll, ok := strings.Cut(s, ":"); ok && !slices.Contains(dlls, strings.ToLower(dll)) {
			dlls = append(dlls, strings.ToLower(dll))
		}
	}
	if len(dlls) == 0 {
		return "", errors.New("no imports found: not a Go/cgo Windows program")
	}
	for _, d := range dlls {
		if !slices.Contains(systemDLLs, strings.ToLower(d)) {
			return "", fmt.Errorf("needs %s, which Windows does not ship", d)
		}
	}

	res, err := readResources(f)
	if err != nil {
		return "", err
	}
	for _, want := range []struct {
		typ  uint32
		what string
	}{{rtIcon, "icon"}, {rtGroupIcon, "icon group"}, {rtVersion, "version"}, {rtManifest, "manifest"}} {
		if len(res[want.typ]) == 0 {
			return "", fmt.Errorf("no %s resource", want.what)
		}
	}
	fileVersion, err := fixedFileVersion(res[rtVersion][0])
	if err != nil {
		return "", err
	}
	if wantVersion != "" && fileVersion != wantVersion {
		return "", fmt.Errorf("file version %s, want %s", fileVersion, wantVersion)
	}
	return fmt.Sprintf("%s: x86-64 GUI executable, %d icons, version %s, DLLs: %s",
		path, len(res[rtIcon]), fileVersion, strings.Join(dlls, " ")), nil
}

// readResources returns the data of every resource by type.
func readResources(f *pe.File) (map[uint32][][]byte, error) {
	sec := f.Section(".rsrc")
	if sec == nil {
		return nil, errors.New("no resources: neither icon nor version")
	}
	data, err := sec.Data()
	if err != nil {
		return nil, err
	}
	out := map[uint32][][]byte{}
	// The directory is three levels deep: type, name, language.
	var walk func(off uint32, depth int, typ uint32) error
	walk = func(off uint32, depth int, typ uint32) error {
		if depth > 3 || int(off)+16 > len(data) {
			return errors.New("resource directory out of bounds")
		}
		n := int(binary.LittleEndian.Uint16(data[off+12:])) + int(binary.LittleEndian.Uint16(data[off+14:]))
		for i := range n {
			e := int(off) + 16 + 8*i
			if e+8 > len(data) {
				return errors.New("resource entry out of bounds")
			}
			id := binary.LittleEndian.Uint32(data[e:])
			target := binary.LittleEndian.Uint32(data[e+4:])
			t := typ
			if depth == 0 {
				t = id
			}
			if target&0x80000000 != 0 {
				if err := walk(target&0x7fffffff, depth+1, t); err != nil {
					return err
				}
				continue
			}
			if int(target)+8 > len(data) {
				return errors.New("resource data entry out of bounds")
			}
			rva := binary.LittleEndian.Uint32(data[target:])
			size := binary.LittleEndian.Uint32(data[target+4:])
			start := int64(rva) - int64(sec.VirtualAddress)
			if start < 0 || start+int64(size) > int64(len(data)) {
				return errors.New("resource data out of bounds")
			}
			out[t] = append(out[t], data[start:start+int64(size)])
		}
		return nil
	}
	return out, walk(0, 0, 0)
}

// fixedFileVersion reads VS_FIXEDFILEINFO's file version as a.b.c.d.
func fixedFileVersion(blob []byte) (string, error) {
	sig := []byte{0xbd, 0x04, 0xef, 0xfe}
	i := bytes.Index(blob, sig)
	if i < 0 || i+16 > len(blob) {
		return "", errors.New("version resource without VS_FIXEDFILEINFO")
	}
	ms := binary.LittleEndian.Uint32(blob[i+8:])
	ls := binary.LittleEndian.Uint32(blob[i+12:])
	return fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff), nil
}
