package main

import (
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/pgtest"
)

// The README's office steps, as written: its server commands give the
// owner what office create needs (checked against a server with password
// authentication, pgtest's scram-sha-256), and its office create, invite
// and join lines, run as they stand with the address and password put
// in, make an office whose second computer signs its people in.
func TestReadmeOfficeStepsWorkAsWritten(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	line := func(re string) string {
		t.Helper()
		m := regexp.MustCompile(`(?m)^` + re + `.*$`).FindString(readme)
		if m == "" {
			t.Fatalf("the README has no line %s", re)
		}
		return m
	}
	createuser := line(`sudo -u postgres createuser `)
	if !strings.Contains(createuser, "--createrole") || strings.Contains(createuser, "--superuser") {
		t.Fatalf("the owner the README makes: %s", createuser)
	}
	if hba := line(`#   hostssl `); !strings.Contains(hba, " all ") || !strings.Contains(hba, "scram-sha-256") {
		t.Fatalf("pg_hba.conf must let the office's roles in, with passwords: %s", hba)
	}

	// The server: the owner as createuser --createrole makes it, and its
	// database.
	cluster := pgtest.Shared(t)
	address := pgtest.Database(t)
	u, _ := url.Parse(address)
	database := strings.TrimPrefix(u.Path, "/")
	owner := database + "_owner"
	if err := cluster.Exec(`CREATE ROLE ` + owner + ` LOGIN CREATEROLE PASSWORD 'Server-2026'`); err != nil {
		t.Fatal(err)
	}
	if err := cluster.Exec(`ALTER DATABASE ` + database + ` OWNER TO ` + owner); err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(owner, "Server-2026")
	withPassword := u.String()

	args := func(cmd string, replace map[string]string) []string {
		t.Helper()
		var out []string
		for _, f := range regexp.MustCompile(`'[^']*'|"[^"]*"|\S+`).FindAllString(cmd, -1) {
			f = strings.Trim(f, `'"`)
			if r, ok := replace[f]; ok {
				f = r
			}
			if f == ">" || f == "<" {
				break
			}
			out = append(out, f)
		}
		if len(out) == 0 || out[0] != "./c2desk" {
			t.Fatalf("not a c2desk command: %s", cmd)
		}
		return out[1:]
	}

	admin := newCLI(t)
	if code, _, errOut := admin.run(c2dfake.DemoToken+"\n", "connect"); code != 0 {
		t.Fatalf("connect: %s", errOut)
	}
	if code, _, errOut := admin.run("2468\n", "staff", "add", "Ольга Смирнова", "--admin"); code != 0 {
		t.Fatalf("staff add: %s", errOut)
	}
	if code, _, errOut := admin.run("2468\n", "--as", "Ольга Смирнова", "staff", "add", "Ivan Petrov"); code != 0 {
		t.Fatalf("staff add: %s", errOut)
	}
	create := args(line(`\./c2desk --as "Ольга Смирнова" office create `),
		map[string]string{"postgres://c2desk:PASSWORD@server/c2desk?sslmode=verify-full": withPassword})
	// The administrator's PIN, then Ivan's, who had none.
	if code, out, errOut := admin.run("2468\n1357\n", create...); code != 0 || !strings.Contains(out, "works in the office") {
		t.Fatalf("office create as the README writes it: %d %q %q", code, out, errOut)
	}
	invite := args(line(`\./c2desk --as "Ольга Смирнова" office invite `), nil)
	code, invitation, errOut := admin.run("2468\n", invite...)
	if code != 0 || !strings.HasPrefix(invitation, "c2desk-invite:") {
		t.Fatalf("office invite as the README writes it: %d %q", code, errOut)
	}
	reception := newCLI(t)
	reception.baseArg[3] = admin.baseArg[3]
	join := args(line(`\./c2desk office join `), nil)
	if code, out, errOut := reception.run(invitation, join...); code != 0 || !strings.Contains(out, "joined the office") {
		t.Fatalf("office join as the README writes it: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := reception.run("1357\n", "--as", "Ivan Petrov", "staff", "list"); code != 0 || !strings.Contains(out, "Ольга Смирнова") {
		t.Fatalf("Ivan on the joined computer: %d %q %q", code, out, errOut)
	}
}
