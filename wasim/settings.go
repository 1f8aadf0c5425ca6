package wasim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image/jpeg"
	"net/http"
	"strings"
)

// photoMax is the group photo size limit (5 MB) and photoMin its minimum side.
const (
	photoMax = 5 << 20
	photoMin = 192
)

type settingsUpdate struct {
	subject, description *string
	photo                []byte
	photoErr             *apiError // aspect/size problem, reported per setting
}

// handleUpdateSettings accepts JSON or multipart (photo under "file" or
// "profile_picture_file", docs/cloud-api.md#photo-upload-field). Shape errors fail the request;
// photo aspect/size problems are per-setting failures in the webhook so the
// app sees partial failure, unless SyncPhotoErrors asks for a 400.
func (s *Server) handleUpdateSettings(r *http.Request, id string) (int, any, *apiError) {
	var up settingsUpdate
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.Body = http.MaxBytesReader(nil, r.Body, photoMax+1<<20)
		if err := r.ParseMultipartForm(photoMax + 1<<20); err != nil {
			return 0, nil, errParam("multipart body could not be read: %v", err)
		}
		if err := checkProduct(r.FormValue("messaging_product"), false); err != nil {
			return 0, nil, err
		}
		if v, ok := r.MultipartForm.Value["subject"]; ok && len(v) > 0 {
			up.subject = &v[0]
		}
		if v, ok := r.MultipartForm.Value["description"]; ok && len(v) > 0 {
			up.description = &v[0]
		}
		fh, data, err := readPart(r.MultipartForm, "file", "profile_picture_file")
		if err != nil {
			return 0, nil, err
		}
		if fh != nil {
			up.photo = data
		}
	} else {
		var body struct {
			MessagingProduct string  `json:"messaging_product"`
			Subject          *string `json:"subject"`
			Description      *string `json:"description"`
		}
		if err := decodeBody(r, &body); err != nil {
			return 0, nil, err
		}
		if err := checkProduct(body.MessagingProduct, false); err != nil {
			return 0, nil, err
		}
		up.subject, up.description = body.Subject, body.Description
	}
	if up.subject == nil && up.description == nil && up.photo == nil {
		return 0, nil, errParam("at least one of subject, description or a photo file is required")
	}
	if up.subject != nil {
		v, err := validSubject(up.subject, true)
		if err != nil {
			return 0, nil, err
		}
		up.subject = &v
	}
	if _, err := validDescription(up.description); err != nil {
		return 0, nil, err
	}
	if up.photo != nil {
		if err := checkPhoto(up.photo); err != nil {
			if err.Code == CodeInvalidParameter || s.Config().SyncPhotoErrors {
				return 0, nil, err
			}
			up.photoErr = err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupOp(id, false)
	if err != nil {
		return 0, nil, err
	}
	reqID := s.ids.requestID()
	s.after(s.cfg.webhookDelay(), func() { s.applySettings(g, reqID, up) })
	return http.StatusOK, map[string]any{"messaging_product": "whatsapp", "request_id": reqID}, nil
}

// checkPhoto validates a group photo; 100 for what is not a ≤5 MB JPEG,
// 131209/131210 for shape problems.
func checkPhoto(data []byte) *apiError {
	if len(data) > photoMax {
		return errParam("The group photo must be at most 5 MB")
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return errParam("The group photo must be a JPEG image")
	}
	if cfg.Width != cfg.Height {
		return newErr(CodePhotoAspectRatio, "The group photo must be square; got %dx%d.", cfg.Width, cfg.Height)
	}
	if cfg.Width < photoMin {
		return newErr(CodePhotoTooSmall, "The group photo must be at least %dx%d px; got %dx%d.", photoMin, photoMin, cfg.Width, cfg.Height)
	}
	return nil
}

// applySettings performs the update and emits group_settings_update with one
// result object per requested setting.
func (s *Server) applySettings(g *group, reqID string, up settingsUpdate) {
	ev := map[string]any{"group_id": g.id, "type": "group_settings_update", "request_id": reqID}
	if g.deleted || g.suspended {
		e := errUnknownGroup()
		if !g.deleted {
			e = errSuspended()
		}
		ev["errors"] = []any{e.object()}
		s.emitGroupEvent("group_settings_update", ev)
		return
	}
	ok, failed := 0, 0
	var firstErr *apiError
	if up.subject != nil {
		g.subject = *up.subject
		ev["group_subject"] = map[string]any{"text": g.subject, "update_successful": true}
		ok++
	}
	if up.description != nil {
		g.description = *up.description
		ev["group_description"] = map[string]any{"text": g.description, "update_successful": true}
		ok++
	}
	if up.photo != nil {
		// sha256 identifies the submitted photo even when it was refused, so
		// the app can tell which upload a failure belongs to.
		sum := sha256.Sum256(up.photo)
		res := map[string]any{"mime_type": "image/jpeg", "sha256": hex.EncodeToString(sum[:])}
		if up.photoErr != nil {
			res["update_successful"] = false
			res["errors"] = []any{up.photoErr.object()}
			failed++
			firstErr = up.photoErr
		} else {
			g.photo = s.storeMedia(up.photo, "image/jpeg", "")
			res["update_successful"] = true
			ok++
		}
		ev["profile_picture"] = res
	}
	switch {
	case failed > 0 && ok > 0:
		ev["errors"] = []any{newErr(CodePartialSuccess, "Not all group settings could be updated.").object()}
	case failed > 0:
		ev["errors"] = []any{firstErr.object()}
	}
	s.emitGroupEvent("group_settings_update", ev)
}
