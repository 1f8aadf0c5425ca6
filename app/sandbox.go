package app

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"

	"groupdeck/views"
	"groupdeck/wasim"
)

// sandboxPhone adapts the simulator's user hooks to the Sandbox phone page.
type sandboxPhone struct{ sim *wasim.Server }

func (p *sandboxPhone) Users() []views.PhoneUser {
	var out []views.PhoneUser
	for _, u := range p.sim.Users() {
		out = append(out, views.PhoneUser{WaID: u.WaID, Name: u.Name, Username: u.Username, Hidden: u.PhoneHidden})
	}
	return out
}

// AddUser creates a simulated person; with no number given, a fictional
// one in the reserved 555 range is made up. A username with no number
// makes a person who shares no phone number (business-scoped user ids are
// switched on in the simulator for them to be hidden).
func (p *sandboxPhone) AddUser(name, phone, username string) (views.PhoneUser, error) {
	for _, r := range username {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_') {
			return views.PhoneUser{}, fmt.Errorf("a username has letters, digits, dots and underscores only; %q has %q", username, r)
		}
	}
	if username != "" && strings.TrimSpace(phone) == "" {
		p.sim.Configure(func(c *wasim.Config) { c.BSUID = true })
		u := p.sim.AddUser(wasim.User{Name: name, Username: username})
		return views.PhoneUser{WaID: u.WaID, Name: u.Name, Username: u.Username, Hidden: u.PhoneHidden}, nil
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
	switch {
	case digits == "" && strings.TrimSpace(phone) != "":
		return views.PhoneUser{}, fmt.Errorf("%q is not a phone number", phone)
	case digits == "":
		n, _ := rand.Int(rand.Reader, big.NewInt(10000000))
		digits = fmt.Sprintf("1555%07d", n.Int64())
	case len(digits) < 8 || len(digits) > 15:
		return views.PhoneUser{}, fmt.Errorf("a phone number has 8 to 15 digits with its country code; %q has %d", phone, len(digits))
	}
	u := p.sim.AddUser(wasim.User{WaID: digits, Name: name, Username: username})
	return views.PhoneUser{WaID: u.WaID, Name: u.Name, Username: u.Username}, nil
}

func (p *sandboxPhone) Tap(waID, link string) (string, error) {
	res, err := p.sim.Tap(waID, link)
	if err != nil {
		return "", err
	}
	switch res {
	case "joined":
		return "You joined the group.", nil
	case "requested":
		return "You asked to join; staff must approve the request.", nil
	case "already_member":
		return "You are already in this group.", nil
	}
	return string(res), nil
}

func (p *sandboxPhone) Leave(waID, groupID string) error { return p.sim.Leave(waID, groupID) }

func (p *sandboxPhone) Say(waID, groupID, kind, text string) error {
	_, err := p.sim.Say(waID, groupID, kind, text)
	return err
}

func (p *sandboxPhone) Pending(waID string) []views.PhoneGroup {
	var out []views.PhoneGroup
	for _, g := range p.sim.Groups() {
		for _, u := range g.Pending {
			if u.WaID == waID {
				out = append(out, views.PhoneGroup{ID: g.ID, Subject: g.Subject})
			}
		}
	}
	return out
}

func (p *sandboxPhone) Cancel(waID, groupID string) error { return p.sim.CancelRequest(waID, groupID) }

func (p *sandboxPhone) All() []views.SimGroup {
	var out []views.SimGroup
	for _, g := range p.sim.Groups() {
		if g.Deleted {
			continue
		}
		out = append(out, views.SimGroup{ID: g.ID, Subject: g.Subject, Members: len(g.Participants),
			Pending: len(g.Pending), Suspended: g.Suspended})
	}
	return out
}

func (p *sandboxPhone) SetSuspended(groupID string, suspended bool) error {
	return p.sim.SetSuspended(groupID, suspended)
}

func (p *sandboxPhone) Groups(waID string) []views.PhoneGroup {
	var out []views.PhoneGroup
	for _, g := range p.sim.GroupsOf(waID) {
		out = append(out, views.PhoneGroup{ID: g.ID, Subject: g.Subject})
	}
	return out
}

func (p *sandboxPhone) Inbox(waID string) []views.PhoneMessage {
	subjects := map[string]string{}
	for _, g := range p.sim.Groups() {
		subjects[g.ID] = g.Subject
	}
	var out []views.PhoneMessage
	for _, m := range p.sim.Inbox(waID) {
		out = append(out, views.PhoneMessage{ID: m.ID, GroupID: m.GroupID, Subject: subjects[m.GroupID], From: m.From, Text: m.Text})
	}
	return out
}

func (p *sandboxPhone) Read(waID, messageID string) error { return p.sim.Read(waID, messageID) }
