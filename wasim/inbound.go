package wasim

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
)

type inboundMessage struct {
	id, groupID, from string
}

// Say makes a participant write in a group: kind is text, image or
// unsupported. It opens (or refreshes) the group's 24h service window.
func (s *Server) Say(waID, groupID, kind, text string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	waID = normalizePhone(waID)
	u := s.users[waID]
	if u == nil {
		return "", fmt.Errorf("unknown user %s", waID)
	}
	g := s.groups[groupID]
	if g == nil || g.deleted {
		return "", errors.New("unknown group")
	}
	if g.suspended {
		return "", errors.New("the group is suspended")
	}
	if !g.isMember(waID) {
		return "", fmt.Errorf("user %s is not in this group", waID)
	}
	now := s.now()
	msg := map[string]any{
		"group_id":  g.id,
		"id":        s.ids.messageID(),
		"timestamp": unixStr(now),
		"type":      kind,
	}
	switch kind {
	case "text":
		if text == "" {
			return "", errors.New("text must not be empty")
		}
		msg["text"] = map[string]any{"body": text}
	case "image":
		mo := s.storeMedia(sampleJPEG(), "image/jpeg", "")
		img := map[string]any{"mime_type": mo.mime, "sha256": mo.sha, "id": mo.id, "url": s.baseURL() + "/_media/" + mo.id}
		if text != "" {
			img["caption"] = text
		}
		msg["image"] = img
	case "unsupported":
		e := newErr(CodeUnsupportedType, "Message type is not currently supported.")
		msg["errors"] = []any{e.object()}
	default:
		return "", fmt.Errorf("kind must be text, image or unsupported, not %q", kind)
	}
	hidden := s.phoneHidden(waID)
	if !hidden {
		msg["from"] = waID
	}
	if s.cfg.BSUID {
		msg["from_user_id"] = u.UserID
		if s.cfg.ParentBSUID && u.ParentUserID != "" {
			msg["from_parent_user_id"] = u.ParentUserID
		}
	}
	g.lastInbound = now
	id := msg["id"].(string)
	s.inbound[id] = &inboundMessage{id: id, groupID: g.id, from: waID}
	s.emit("messages", map[string]any{"contacts": []any{s.userContact(waID)}, "messages": []any{msg}})
	return id, nil
}

// sampleJPEG is the photo simulated users send: a small valid JPEG so the
// app can download and render it.
func sampleJPEG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y * 16), 128, 255})
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, nil)
	return b.Bytes()
}
