package views

import (
	"fmt"

	"groupdeck/store"
)

// PhotoView is what the settings page shows of the group's photo.
type PhotoView struct {
	GroupID int64
	Subject string
	Current *store.GroupPhoto // nil: none known
	Pending bool              // a new photo waits for WhatsApp
}

// Shown reports whether groupdeck has the current photo's bytes.
func (p PhotoView) Shown() bool { return p.Current != nil && p.Current.Data != nil }

// src is the photo's address, versioned by the photo (cached for good)
// when there is one, else the initials placeholder.
func (p PhotoView) src() string {
	if p.Shown() {
		return fmt.Sprintf("/groups/%d/photo?v=%d", p.GroupID, p.Current.ID)
	}
	return fmt.Sprintf("/groups/%d/photo", p.GroupID)
}
