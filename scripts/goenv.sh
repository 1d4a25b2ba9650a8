# Sourced by the other scripts: where Go lives on a fresh Debian machine,
# and the build tag every C2Desk build and test needs (go-sqlite3 compiles
# SQLite's full-text search, FTS5, only with it; storage.Open refuses a
# build without it).
export PATH="$PATH:/usr/local/go/bin"
export GOFLAGS="${GOFLAGS:-} -tags=sqlite_fts5"
