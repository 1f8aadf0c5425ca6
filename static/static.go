// Package static serves groupdeck's own assets and the vendored ones the
// build copies from node_modules into vendor/.
package static

import (
	"embed"
	"net/http"
	"path"
	"strings"
)

//go:embed *
var files embed.FS

// Handler serves the embedded files. embed.FS has no directory escape:
// ".." paths are rejected by io/fs.
func Handler() http.Handler {
	fs := http.FileServer(http.FS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// FileServer cleans the path itself, so check the cleaned one:
		// "./static.go" and "/static.go" are the Go source too.
		clean := path.Clean("/" + r.URL.Path)
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") || strings.HasSuffix(clean, ".go") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fs.ServeHTTP(w, r)
	})
}
