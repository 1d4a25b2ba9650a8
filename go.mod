module c2desk

go 1.26.0

require golang.org/x/time v0.16.0

require github.com/mattn/go-sqlite3 v1.14.53 // indirect
