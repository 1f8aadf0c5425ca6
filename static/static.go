// Package static serves groupdeck's own assets and the vendored ones the
// build copies from node_modules into vendor/.
package static

import (
	"embed"
	"net/http"
	"strings"
)

// The files are named so that a checkout without `make vendor` fails to
// build ("pattern vendor/htmx.min.js: no matching files found") instead of
// serving a UI without htmx. npm (make vendor) is the only source of the
// vendor files.
//
//go:embed css js vendor/htmx.min.js vendor/sse.min.js
var files embed.FS

// Handler serves the embedded files. embed.FS has no directory escape:
// ".." paths are rejected by io/fs.
func Handler() http.Handler {
	fs := http.FileServer(http.FS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// No directory listings.
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fs.ServeHTTP(w, r)
	})
}
