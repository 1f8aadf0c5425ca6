package views

// NavLink is one entry of the main menu.
type NavLink struct {
	Href  string
	Label string
	Key   string // matches Chrome.Nav on the pages it leads to
}

// NavSection is a top-level menu entry: a plain link when it has no
// Items, otherwise a disclosure listing them.
type NavSection struct {
	NavLink
	Items []NavLink
}

// adminLinks is the Admin menu, in one place so new admin pages (outgoing
// webhooks, database sizes…) add one line here. Sandbox phone, a
// developer tool, is listed only in sandbox mode.
func adminLinks(sandbox bool) []NavLink {
	links := []NavLink{
		{"/users", "Users", "users"},
		{"/audit", "Audit log", "audit"},
		{"/events/log", "Event log", "eventlog"},
		{"/connection", "Connection", "connection"},
		{"/hooks", "Outgoing webhooks", "hooks"},
	}
	if sandbox {
		links = append(links, NavLink{"/sandbox", "Sandbox phone", "sandbox"})
	}
	return links
}

// navSections is the main menu for the signed-in person: daily work first
// (Groups, Messaging, Campaigns), administration last.
func navSections(ch Chrome) []NavSection {
	if ch.User == nil {
		return nil
	}
	messaging := []NavLink{}
	if ch.User.CanEdit() {
		messaging = append(messaging, NavLink{"/messages/broadcast", "Send to many", "broadcast"})
	}
	messaging = append(messaging, NavLink{"/schedules", "Scheduled", "schedules"}, NavLink{"/templates", "Templates", "templates"})
	out := []NavSection{
		{NavLink: NavLink{"/", "Home", "home"}},
		{NavLink: NavLink{Label: "Groups", Key: "groups"}, Items: []NavLink{
			{"/groups", "All groups", "groups"},
			{"/people", "People", "people"},
			{"/requests", "Join requests", "requests"},
			{"/jobs", "Background jobs", "jobs"},
		}},
		{NavLink: NavLink{Label: "Messaging", Key: "messaging"}, Items: messaging},
		{NavLink: NavLink{"/campaigns", "Campaigns", "campaigns"}},
	}
	if ch.User.IsAdmin() {
		out = append(out, NavSection{NavLink: NavLink{Label: "Admin", Key: "admin"}, Items: adminLinks(ch.Sandbox)})
	}
	return out
}

// holds reports whether the section contains the current page.
func (s NavSection) holds(nav string) bool {
	if s.Key == nav {
		return true
	}
	for _, l := range s.Items {
		if l.Key == nav {
			return true
		}
	}
	return false
}
