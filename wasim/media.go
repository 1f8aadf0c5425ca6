package wasim

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
)

// mediaObject is an uploaded (or user-sent) file. sha is hex like Meta's.
type mediaObject struct {
	id, mime, sha, filename string
	data                    []byte
}

// maxUpload bounds uploads at the largest Cloud API media class (documents).
const maxUpload = 100 << 20

func (s *Server) storeMedia(data []byte, mime, filename string) *mediaObject {
	sum := sha256.Sum256(data)
	mo := &mediaObject{id: s.ids.mediaID(), mime: mime, sha: hex.EncodeToString(sum[:]), filename: filename, data: data}
	s.media[mo.id] = mo
	return mo
}

func (s *Server) isMedia(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.media[id]
	return ok
}

// readPart returns the named file part of a multipart form.
func readPart(form *multipart.Form, names ...string) (*multipart.FileHeader, []byte, *apiError) {
	for _, n := range names {
		fhs := form.File[n]
		if len(fhs) == 0 {
			continue
		}
		f, err := fhs[0].Open()
		if err != nil {
			return nil, nil, errParam("cannot read %s: %v", n, err)
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			return nil, nil, errParam("cannot read %s: %v", n, err)
		}
		return fhs[0], data, nil
	}
	return nil, nil, nil
}

func (s *Server) handleUploadMedia(r *http.Request) (int, any, *apiError) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return 0, nil, errParam("media upload must be multipart/form-data: %v", err)
	}
	if err := checkProduct(r.FormValue("messaging_product"), true); err != nil {
		return 0, nil, err
	}
	fh, data, apiErr := readPart(r.MultipartForm, "file")
	if apiErr != nil {
		return 0, nil, apiErr
	}
	if fh == nil {
		return 0, nil, errParam("file is required")
	}
	mime := r.FormValue("type")
	if mime == "" {
		mime = fh.Header.Get("Content-Type")
	}
	if mime == "" || !strings.Contains(mime, "/") {
		return 0, nil, errParam("type must be the file's MIME type")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mo := s.storeMedia(data, mime, fh.Filename)
	return http.StatusOK, map[string]any{"id": mo.id}, nil
}

func (s *Server) handleGetMedia(r *http.Request, id string) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mo := s.media[id]
	if mo == nil {
		return 0, nil, errParam("media %s was deleted", id)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return http.StatusOK, map[string]any{
		"messaging_product": "whatsapp",
		"url":               scheme + "://" + r.Host + "/_media/" + mo.id,
		"mime_type":         mo.mime,
		"sha256":            mo.sha,
		"file_size":         len(mo.data),
		"id":                mo.id,
	}, nil
}

func (s *Server) handleDeleteMedia(id string) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.media, id)
	return http.StatusOK, map[string]any{"success": true}, nil
}

// serveMediaDownload serves the URL returned by GET /{media_id}; like Meta's
// lookaside URL it requires the bearer token (checked by ServeHTTP).
func (s *Server) serveMediaDownload(w http.ResponseWriter, id string) {
	s.mu.Lock()
	mo := s.media[id]
	s.mu.Unlock()
	if mo == nil {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", mo.mime)
	w.Header().Set("Content-Length", strconv.Itoa(len(mo.data)))
	_, _ = w.Write(mo.data)
}
